# Embeds web/dist into the library moebius_web_assets. Files are pulled in with the
# assembler's .incbin (no giant char arrays to compile); the generated table is rebuilt when a
# file in web/dist changes or appears. Without web/dist the table is empty and the server says
# the UI is not built.
enable_language(ASM)
set(MOEBIUS_WEB_DIST ${PROJECT_SOURCE_DIR}/web/dist)
file(GLOB_RECURSE MOEBIUS_WEB_FILES CONFIGURE_DEPENDS ${MOEBIUS_WEB_DIST}/*)
set(MOEBIUS_WEB_CC ${CMAKE_BINARY_DIR}/generated/web_assets.cc)
set(MOEBIUS_WEB_S ${CMAKE_BINARY_DIR}/generated/web_assets.S)
add_custom_command(
  OUTPUT ${MOEBIUS_WEB_CC} ${MOEBIUS_WEB_S}
  COMMAND ${CMAKE_COMMAND} -DDIST=${MOEBIUS_WEB_DIST} -DOUT_CC=${MOEBIUS_WEB_CC} -DOUT_S=${MOEBIUS_WEB_S}
          -P ${PROJECT_SOURCE_DIR}/cmake/gen_web_assets.cmake
  DEPENDS ${MOEBIUS_WEB_FILES} ${PROJECT_SOURCE_DIR}/cmake/gen_web_assets.cmake
  COMMENT "Embedding web/dist")
add_library(moebius_web_assets STATIC ${MOEBIUS_WEB_CC} ${MOEBIUS_WEB_S})
target_include_directories(moebius_web_assets PUBLIC ${PROJECT_SOURCE_DIR}/src)
