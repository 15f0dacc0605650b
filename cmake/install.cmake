# Installs libivm with its one public header, a CMake package (ivm::ivm) and
# a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(ivm_static PROPERTIES EXPORT_NAME ivm)
set_target_properties(ivm_shared PROPERTIES EXPORT_NAME ivm_shared)
install(TARGETS ivm_static ivm_shared EXPORT ivmTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES interval/ivm.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ivmTargets NAMESPACE ivm:: FILE ivmTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ivm)
configure_package_config_file(cmake/ivmConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ivmConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ivm)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ivmConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ivmConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/ivmConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ivm)
# The .pc file finds the prefix relative to its own directory (${pcfiledir}),
# because the prefix chosen at configure time is not always where the files
# end up (cmake --install --prefix, DESTDIR, a relocated tree).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(IVM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH IVM_PC_UP "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
       "${CMAKE_INSTALL_PREFIX}")
  string(REGEX REPLACE "/$" "" IVM_PC_UP "${IVM_PC_UP}")
  set(IVM_PC_PREFIX "\${pcfiledir}/${IVM_PC_UP}")
endif()
configure_file(cmake/ivm.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ivm.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ivm.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
