// The `moebius <noun> <verb>` command line: a client of the REST API. Readable tables by
// default, `--json` for scripts. Exit codes: 0 ok, 1 the server or the request failed
// (`error: <message>` on stderr), 2 usage error.
#pragma once

namespace moebius::cli {
int RunCli(int argc, char** argv);
}  // namespace moebius::cli
