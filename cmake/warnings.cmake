# Compiler warnings and sanitizers applied to every project target.
function(clearance_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(CLEARANCE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(CLEARANCE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
