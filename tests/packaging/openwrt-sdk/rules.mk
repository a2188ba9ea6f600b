# Stand-in for OpenWrt's rules.mk (tests/packaging/openwrt_feed.sh): the
# variables a package Makefile uses, with OpenWrt's values.
INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR:=$(TOPDIR)/build_dir
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
CP:=cp -fpR
ARCH_PACKAGES?=x86_64
