# Third-party libraries, all from Debian packages (see setup.sh). Each is
# linked by exactly one engine module; docs/architecture.md lists which.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)                      # store
find_package(EXPAT REQUIRED)                        # lists (streaming XML)
find_package(LibArchive REQUIRED)                   # lists (.bz2/.gz/.zip)
find_package(OpenSSL REQUIRED)                      # crypto
find_package(CURL REQUIRED)                         # fetch
find_package(ICU REQUIRED COMPONENTS uc i18n)       # text
find_package(nlohmann_json 3.10 REQUIRED)           # JSON documents
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2) # text
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)   # tests' HTTP server
