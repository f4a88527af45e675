/* Unit tests of the data model table: the invariants the lookups rely on. */
#include <string.h>

#include "model.h"
#include "tap.h"

int
main(void)
{
	int	f, ordered = 1, derived_ok = 1;

	for (f = 1; f < F__COUNT; f++)
		if (model_fields[f].cls < model_fields[f - 1].cls)
			ordered = 0;
	ok(ordered, "fields.def groups each class's fields, in the order of classes.def");
	for (f = 0; f < F__COUNT; f++) {
		const struct field_desc	*fd = &model_fields[f];

		if (fd->kind == K_DERIVED &&
		    (model_fields[fd->other_fld].cls != fd->other_cls ||
		    model_fields[fd->other_fld].kind != K_REF))
			derived_ok = 0;
	}
	ok(derived_ok, "every derived set names a ref field of its other class");
	ok(model_field(C_VM, "power_state", 11) == F_VM_power_state, "lookup by name");
	ok(model_field(C_VM, "power", 5) == -1, "a prefix is not a field");
	ok(model_field(C_host, "power_state", 11) == -1, "fields belong to their class");
	ok(model_field(C_message, "body", 4) == F_message_body, "the last class");
	ok(model_field(C_session, "uuid", 4) == F_session_uuid, "the first class");
	ok(model_class("VM", 2) == C_VM && model_class("vm", 2) == -1, "class names are exact");
	ok(model_class_ci("vM", 2) == C_VM, "event class names are case-insensitive");
	for (f = 0; f < C__COUNT; f++)
		if (model_field(f, "uuid", 4) < 0)
			break;
	ok(f == C__COUNT, "every class has a uuid");
	return done_testing();
}
