# Embeds web/dist (built by `npm run build` in web/) into the library moebius_web_assets.
#
# At build time cmake/gen_web_assets.cmake writes an assembly file that pulls each file in with
# .incbin, plus a C++ table of paths, content types and ETags; src/api/static_assets.cc looks
# paths up in it. The glob is CONFIGURE_DEPENDS, so a file that appears in or disappears from
# web/dist re-runs the configure step on the next build (which rewrites a listing the command depends on); the custom command depends on every
# file, so an edited file regenerates the table (and, via .incbin's dependency on the .S,
# re-assembles it). Without web/dist the table is empty and HaveWebUi() is false.
enable_language(ASM)
set(MOEBIUS_WEB_DIST ${PROJECT_SOURCE_DIR}/web/dist)
file(GLOB_RECURSE MOEBIUS_WEB_FILES LIST_DIRECTORIES false CONFIGURE_DEPENDS ${MOEBIUS_WEB_DIST}/*)
set(MOEBIUS_WEB_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
set(MOEBIUS_WEB_CC ${MOEBIUS_WEB_GEN_DIR}/web_assets.cc)
set(MOEBIUS_WEB_S ${MOEBIUS_WEB_GEN_DIR}/web_assets.S)
file(MAKE_DIRECTORY ${MOEBIUS_WEB_GEN_DIR})
# The list of files, rewritten only when it changes: a file removed from web/dist leaves every
# remaining input older than the outputs, so this listing is what makes the command run again.
string(JOIN "\n" MOEBIUS_WEB_LISTING ${MOEBIUS_WEB_FILES})
file(CONFIGURE OUTPUT ${MOEBIUS_WEB_GEN_DIR}/web_files.txt CONTENT "${MOEBIUS_WEB_LISTING}\n" @ONLY)
add_custom_command(
  OUTPUT ${MOEBIUS_WEB_CC} ${MOEBIUS_WEB_S}
  COMMAND ${CMAKE_COMMAND} -DDIST=${MOEBIUS_WEB_DIST} -DOUT_CC=${MOEBIUS_WEB_CC} -DOUT_S=${MOEBIUS_WEB_S}
          -P ${PROJECT_SOURCE_DIR}/cmake/gen_web_assets.cmake
  # Outputs left alone because their text did not change would stay older than the edited
  # input and make the command run on every build; touching them settles that.
  COMMAND ${CMAKE_COMMAND} -E touch ${MOEBIUS_WEB_CC} ${MOEBIUS_WEB_S}
  DEPENDS ${MOEBIUS_WEB_FILES} ${MOEBIUS_WEB_GEN_DIR}/web_files.txt ${PROJECT_SOURCE_DIR}/cmake/gen_web_assets.cmake
  COMMENT "Embedding web/dist"
  VERBATIM)
add_library(moebius_web_assets STATIC ${PROJECT_SOURCE_DIR}/src/api/static_assets.cc ${MOEBIUS_WEB_CC} ${MOEBIUS_WEB_S})
target_include_directories(moebius_web_assets PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(moebius_web_assets PUBLIC moebius_base)  # --web-dir hashes files for their ETags
# .incbin reads the files at assembly time; tell the build so an edit re-assembles.
set_source_files_properties(${MOEBIUS_WEB_S} PROPERTIES OBJECT_DEPENDS "${MOEBIUS_WEB_FILES}")
