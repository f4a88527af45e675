#ifndef ATOLL_BOOTARGS_H
#define ATOLL_BOOTARGS_H

/*
 * Xen's and dom0's options for every boot config our programs write (the installed disk's
 * menus, a PXE tree's): the ISO's (config.mk's XEN_CMDLINE and DOM0_CMDLINE, compiled in
 * with -D). lib/bootmenu.c puts each entry's consoles in front of them.
 */
#ifndef XEN_CMDLINE
#define XEN_CMDLINE	"dom0_mem=768M,max:768M"
#endif
#ifndef DOM0_CMDLINE
#define DOM0_CMDLINE	"quiet"
#endif

#endif
