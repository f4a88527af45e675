#ifndef XAPI_SLOTS_H
#define XAPI_SLOTS_H

#include "xapi.h"

/* The lowest free disk (VBD) or network (VIF) slot of vm, not counting device self (may
   be NULL); -1 when every one is taken. */
long	slot_vbd_free(struct xapi *x, struct obj *vm, const struct obj *self);
long	slot_vif_free(struct xapi *x, struct obj *vm, const struct obj *self);
/* 1 when a VBD's userdevice is one XAPI accepts ("autodetect", a slot number, a Linux
   device name such as xvdb or hda1), else 0. */
int	slot_vbd_valid(const char *userdevice);
/* 1 when another VBD of vm holds the slot userdevice names (any reading of it). */
int	slot_vbd_clash(struct xapi *x, struct obj *vm, const struct obj *self,
	    const char *userdevice);
/* A VIF's device as its number (XAPI takes an unsigned decimal), or -1. */
long	slot_vif_number(const char *device);
/* 1 when another VIF of vm has device number n. */
int	slot_vif_clash(struct xapi *x, struct obj *vm, const struct obj *self, long n);

#endif
