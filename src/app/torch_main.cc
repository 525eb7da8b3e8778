// moebius-torch: the moebius CLI linked with the libtorch trainers (`train image`, `train text`).
// `moebius train image|text` exec it (src/cli/torch_exec.cc) so that `moebius` — the server, the
// worker and every other command — starts without loading libtorch.
#include <clocale>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "C.UTF-8");  // as moebius: item paths are UTF-8
  return moebius::cli::RunCli(argc, argv);
}
