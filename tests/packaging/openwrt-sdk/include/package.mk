# Stand-in for OpenWrt's include/package.mk: the order of the build steps
# and what each runs, without the SDK's toolchain, download or ipkg code.
# BuildPackage defines `make package`: Build/Prepare, Build/Configure,
# Build/Compile, Build/Install (only with PKG_INSTALL, into
# PKG_INSTALL_DIR), then Package/NAME/install into IPKG_DIR, and writes
# Package/NAME/conffiles to IPKG_DIR.conffiles.
PKG_BUILD_DIR?=$(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
PKG_INSTALL_DIR?=$(PKG_BUILD_DIR)/ipkg-install
IPKG_DIR?=$(BUILD_DIR)/ipkg/$(PKG_NAME)

define Build/Prepare
	mkdir -p $(PKG_BUILD_DIR)
endef

define BuildPackage
package:
	$$(Build/Prepare)
	$$(Build/Configure)
	$$(Build/Compile)
	$(if $(PKG_INSTALL),$$(Build/Install))
	mkdir -p $(IPKG_DIR)
	$$(call Package/$(1)/install,$(IPKG_DIR))
	printf '%s\n' $$(strip $$(subst $$(newline), ,$$(Package/$(1)/conffiles))) > $(IPKG_DIR).conffiles
endef

define newline


endef
