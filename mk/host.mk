# Host packages the build needs (mk/host-packages.txt says which and why), installed once.
# The stamp depends on the list, so editing the list installs again.

$(B)/host-packages.stamp: mk/host-packages.txt mk/apt-install.sh
	@mkdir -p $(@D)
	@echo "  APT     host packages (mk/host-packages.txt)"
	@mk/apt-install.sh mk/host-packages.txt
	@touch $@
