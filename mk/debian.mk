# Groups of Debian binary packages. Each group is resolved to versions on every run (cheap:
# it reads the local apt index), downloaded into $(CACHE) once, and extracted into its own
# tree, so a new version of one package rebuilds only what uses that group.

# $(call debian-group,NAME,PACKAGES) defines:
#   $(B)/debs/NAME.list         "name version" lines, rewritten only when they change
#   $(B)/debs/NAME/.extracted   the group's packages unpacked under $(B)/debs/NAME/
define debian-group
$(B)/debs/$(1).list: FORCE $(B)/host-packages.stamp
	@mk/debs.sh resolve $$@ $(2)

$(B)/debs/$(1)/.extracted: $(B)/debs/$(1).list mk/debs.sh
	@mk/debs.sh fetch $$< $(CACHE)
	@echo "  EXTRACT $(1)"
	@mk/debs.sh extract $$< $(CACHE) $$(@D)
	@touch $$@

DEBIAN_GROUPS += $(1)
endef

.PHONY: FORCE
FORCE:
