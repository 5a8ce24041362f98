# Where `cmake --install` puts ringfence: the layout of the Debian package (tools/make-deb)
# and of a hand install under another prefix alike.
#
#   bin/ringfenced, bin/ringfence
#   /etc/ringfence/ringfence.yaml, numbering/, protected/   the operator's configuration
#   /etc/ringfence/rules.d/                                 the operator's own packs, loaded last
#   share/ringfence/rules/<pack>/                           the shipped packs with their tests
#   systemd unit and sysusers file, docs
#
# With CMAKE_INSTALL_PREFIX=/usr the configuration goes to /etc (GNUInstallDirs' rule for
# /usr); under any other prefix it goes to PREFIX/etc.
include(GNUInstallDirs)

set(RINGFENCE_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the systemd unit is installed (Debian 12 packages use /lib/systemd/system)")
set(RINGFENCE_SYSUSERS_DIR "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d" CACHE PATH
    "Where the sysusers.d file that creates the ringfence user is installed")

set(_rf_etc "${CMAKE_INSTALL_FULL_SYSCONFDIR}/ringfence")
set(_rf_packs "${CMAKE_INSTALL_FULL_DATADIR}/ringfence/rules")

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

install(FILES packaging/systemd/ringfenced.service DESTINATION ${RINGFENCE_SYSTEMD_UNIT_DIR})
install(FILES packaging/systemd/ringfence.sysusers DESTINATION ${RINGFENCE_SYSUSERS_DIR}
        RENAME ringfence.conf)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
