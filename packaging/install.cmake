# Where `cmake --install` puts ringfence: the layout of the Debian package (tools/make-deb,
# built with CMAKE_INSTALL_PREFIX=/usr, as tools/build configures) and of a hand install
# under another prefix alike (CMake's default /usr/local).
#
#   PREFIX/bin/ringfenced, PREFIX/bin/ringfence
#   SYSCONFDIR/ringfence/ringfence.yaml, numbering/, protected/   the operator's configuration
#   SYSCONFDIR/ringfence/rules.d/             the operator's own packs, loaded last
#   PREFIX/share/ringfence/rules/<pack>/      the shipped packs with their tests
#   the systemd unit, the sysusers file, the docs
#
# SYSCONFDIR is /etc for the /usr prefix and PREFIX/etc otherwise (GNUInstallDirs). The
# paths are fixed when the build is configured: `cmake --install --prefix` with another
# prefix is refused rather than install a configuration that names the wrong folders.
include(GNUInstallDirs)

set(_rf_etc "${CMAKE_INSTALL_FULL_SYSCONFDIR}/ringfence")
set(_rf_packs "${CMAKE_INSTALL_FULL_DATADIR}/ringfence/rules")
set(_rf_bin "${CMAKE_INSTALL_FULL_BINDIR}")
# Debian 12 packages install units in /lib/systemd/system; elsewhere under the prefix.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_rf_unit_dir "/lib/systemd/system")
else()
  set(_rf_unit_dir "lib/systemd/system")
endif()

install(CODE "
  if(NOT CMAKE_INSTALL_PREFIX STREQUAL \"${CMAKE_INSTALL_PREFIX}\")
    message(FATAL_ERROR \"this build installs under ${CMAKE_INSTALL_PREFIX} (its configuration and unit name those folders); reconfigure with -DCMAKE_INSTALL_PREFIX=\${CMAKE_INSTALL_PREFIX} instead of --prefix\")
  endif()
")
install(TARGETS ringfenced ringfence RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY config/ DESTINATION ${_rf_etc})
install(DIRECTORY DESTINATION ${_rf_etc}/rules.d)
install(DIRECTORY rules/ DESTINATION ${_rf_packs})

# The source tree's config finds the packs at ../rules beside it; the installed one must find
# them where they were installed, then the operator's folder. The rewrite fails the install
# when the line it replaces is gone, rather than install a config that loads no packs.
install(CODE "
  set(_file \"\$ENV{DESTDIR}${_rf_etc}/ringfence.yaml\")
  file(READ \"\${_file}\" _text)
  set(_from \"  paths:\\n    - ../rules\\n\")
  set(_to \"  paths:\\n    - ${_rf_packs}\\n    - rules.d\\n\")
  string(FIND \"\${_text}\" \"\${_from}\" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR \"\${_file}: rules.paths is no longer [../rules]; update packaging/install.cmake\")
  endif()
  string(REPLACE \"\${_from}\" \"\${_to}\" _text \"\${_text}\")
  file(WRITE \"\${_file}\" \"\${_text}\")
")

# The unit in packaging/systemd names the /usr layout; for another prefix its paths follow.
file(READ packaging/systemd/ringfenced.service _rf_unit)
string(REPLACE "/usr/bin/ringfenced" "${_rf_bin}/ringfenced" _rf_unit "${_rf_unit}")
string(REPLACE "/etc/ringfence/" "${_rf_etc}/" _rf_unit "${_rf_unit}")
string(REPLACE "/usr/share/doc/ringfence" "${CMAKE_INSTALL_FULL_DOCDIR}" _rf_unit "${_rf_unit}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/ringfenced.service "${_rf_unit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS packaging/systemd/ringfenced.service)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ringfenced.service DESTINATION ${_rf_unit_dir})
install(FILES packaging/systemd/ringfence.sysusers DESTINATION lib/sysusers.d RENAME ringfence.conf)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
