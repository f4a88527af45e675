#ifndef ATOLL_BOOTARGS_H
#define ATOLL_BOOTARGS_H

/*
 * Xen's and dom0's command lines for every boot config our programs write (the installed
 * disk's menus, a PXE tree's): the ISO's options (config.mk's XEN_CMDLINE and DOM0_CMDLINE,
 * compiled in with -D) behind the consoles. The console named last on dom0's line is
 * /dev/console: the screen for the VGA entries, the serial line for the serial ones.
 */
#ifndef XEN_CMDLINE
#define XEN_CMDLINE	"dom0_mem=768M,max:768M"
#endif
#ifndef DOM0_CMDLINE
#define DOM0_CMDLINE	"quiet"
#endif

#define XEN_ARGS_VGA	"console=com1,vga com1=115200 " XEN_CMDLINE
#define XEN_ARGS_SERIAL	"console=com1 com1=115200 " XEN_CMDLINE
#define DOM0_ARGS_VGA	"console=hvc0 console=tty0 " DOM0_CMDLINE
#define DOM0_ARGS_SERIAL "console=tty0 console=hvc0 " DOM0_CMDLINE

#endif
