// `moebius train image|text` in the `moebius` binary: each execs `moebius-torch` — the same CLI
// linked with libtorch (src/app/torch_main.cc) — with this process's own arguments, read back
// from /proc/self/cmdline, so `moebius` itself never loads libtorch (whose static initializers
// cost ~0.4 s and ~150 MB of memory at every start of the server and of every other command).
// The process keeps its pid: a job's worker sees one process, and cancelling it stops the trainer.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

namespace fs = std::filesystem;

// $MOEBIUS_TORCH_BIN, else moebius-torch in the directory of the running binary.
std::string TorchBinary() {
  if (const char* e = std::getenv("MOEBIUS_TORCH_BIN"); e && *e) return e;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("moebius-torch") : (self.parent_path() / "moebius-torch").string();
}

Status ExecTorchBinary() {
  std::string bin = TorchBinary();
  if (::access(bin.c_str(), X_OK) != 0)
    return FailedPrecondition("the libtorch trainers (train image, train text) run in moebius-torch, which is not at " + bin +
                              ": build it (`make build`, or `cmake --build build --target moebius-torch`) or set MOEBIUS_TORCH_BIN");
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t from = 0; from < raw.size();) {
    size_t end = raw.find('\0', from);
    if (end == std::string::npos) end = raw.size();
    args.push_back(raw.substr(from, end - from));
    from = end + 1;
  }
  if (args.empty()) return Internal("cannot read this process's arguments from /proc/self/cmdline");
  // argv[0] stays as typed, so usage lines and messages still say `moebius`.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  ::execv(bin.c_str(), argv.data());
  return Internal("cannot run " + bin + ": " + std::strerror(errno));
}

// A subcommand whose arguments, --help included, all go to moebius-torch.
void AddForwarded(CommandHost& host, CLI::App* train, const char* name, const char* help) {
  CLI::App* x = host.Sub(train, name, help);
  x->fallthrough(false);  // its options are moebius-torch's to read, not the parent's
  x->set_help_flag();
  x->prefix_command();
  x->allow_extras();
  host.OnRunLocal(x, [] { return ExecTorchBinary(); });
}

}  // namespace

void AddTrainImageCommand(CommandHost& host, CLI::App* train) {
  AddForwarded(host, train, "image",
               "train a small CNN image classifier (libtorch) on a split version of images; runs moebius-torch (--help: its options)");
}

void AddTrainTextCommand(CommandHost& host, CLI::App* train) {
  AddForwarded(host, train, "text",
               "train a fastText-style text classifier (libtorch; word and character n-grams); runs moebius-torch (--help: its options)");
}

}  // namespace moebius::cli
