# clearance_embed(<target> <symbol> <files...>)
# Compiles data files into <target> so the binary is self-contained: defines
#   const std::vector<clearance::EmbeddedFile>& <symbol>();
# (declared in engine/common/embedded.h) returning {name, content} per file,
# name = the file's base name. Rebuilds when a file changes.
function(clearance_embed target symbol)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            "-DFILES=${ARGN}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_generate.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/embed_generate.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
