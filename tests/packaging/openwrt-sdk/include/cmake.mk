# Stand-in for OpenWrt's include/cmake.mk: PKG_INSTALL set, an out-of-tree
# build in PKG_BUILD_DIR/openwrt-build, CMake configured with prefix /usr
# and the package's CMAKE_OPTIONS, installed with DESTDIR=PKG_INSTALL_DIR.
PKG_INSTALL:=1
CMAKE_BINARY_SUBDIR?=openwrt-build
CMAKE_BINARY_DIR=$(PKG_BUILD_DIR)/$(CMAKE_BINARY_SUBDIR)
CMAKE_SOURCE_DIR?=.
JOBS?=2

define Build/Configure
	mkdir -p $(CMAKE_BINARY_DIR)
	cmake -S $(PKG_BUILD_DIR)/$(CMAKE_SOURCE_DIR) -B $(CMAKE_BINARY_DIR) -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX=/usr $(CMAKE_OPTIONS) > $(CMAKE_BINARY_DIR)/configure.log
endef

define Build/Compile
	cmake --build $(CMAKE_BINARY_DIR) -j$(JOBS) > $(CMAKE_BINARY_DIR)/build.log
endef

define Build/Install
	DESTDIR=$(PKG_INSTALL_DIR) cmake --install $(CMAKE_BINARY_DIR) > $(CMAKE_BINARY_DIR)/install.log
endef
