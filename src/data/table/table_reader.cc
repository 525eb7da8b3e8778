#include "data/table/table_reader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "data/table/column_builder.h"
#include "data/table/delimited_pass.h"
#include "data/table/parallel_reader.h"

namespace moebius::data {
namespace {

using internal::ColumnBuilder;
using internal::DelimitedPass;
using internal::ErrorPrefix;
using internal::Input;
using internal::IsTextOk;

struct DepthGuard {
  int max_depth;
  bool exceeded = false;
};

class JsonlPass {
 public:
  explicit JsonlPass(const ReadOptions& options) : o_(options) {}

  Result<Table> Run(Input& in) {
    RETURN_IF_ERROR(in.Fill());
    bool first = true;
    for (;;) {
      const char* start = in.begin();
      const void* nl = std::memchr(start, '\n', static_cast<size_t>(in.end() - start));
      if (nl == nullptr && !in.eof()) {
        if (static_cast<size_t>(in.end() - start) > o_.limits.max_record_bytes) return TooLong();
        RETURN_IF_ERROR(in.Fill());
        continue;
      }
      if (nl == nullptr && start == in.end()) break;
      const char* stop = nl ? static_cast<const char*>(nl) : in.end();
      if (static_cast<size_t>(stop - start) > o_.limits.max_record_bytes) return TooLong();
      std::string_view line(start, static_cast<size_t>(stop - start));
      if (first && StartsWith(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
      first = false;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      RETURN_IF_ERROR(OnLine(line));
      ++line_;
      in.Consume(nl ? stop + 1 : stop);
      if (!nl) break;
    }
    if (builders_.empty() && rows_ == 0) return InvalidArgument(ErrorPrefix(o_) + "the file is empty (no JSON objects)");
    Table table;
    for (auto& b : builders_) RETURN_IF_ERROR(table.AddColumn(std::move(b).Finish()));
    return table;
  }

 private:
  Status TooLong() const {
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + " is longer than " +
                           std::to_string(o_.limits.max_record_bytes) + " bytes");
  }
  Status Error(const std::string& what) const {
    return InvalidArgument(ErrorPrefix(o_) + "line " + std::to_string(line_) + what);
  }

  Status OnLine(std::string_view line) {
    if (Trim(line).empty()) return Status::Ok();
    if (!IsTextOk(line.data(), line.data() + line.size())) return Error(": invalid UTF-8 or NUL byte");
    nlohmann::ordered_json obj;
    DepthGuard guard{32};
    try {
      obj = nlohmann::ordered_json::parse(
          line.begin(), line.end(),
          [&guard](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) {
            if (depth > guard.max_depth) guard.exceeded = true;
            return true;
          });
    } catch (const nlohmann::ordered_json::exception& e) {
      return Error(": malformed JSON: " + std::string(e.what()));
    }
    if (guard.exceeded) return Error(": JSON nested deeper than 32 levels");
    if (!obj.is_object()) return Error(" is not a JSON object");
    if (o_.limits.max_rows != 0 && rows_ >= o_.limits.max_rows) {
      return Error(": more than " + std::to_string(o_.limits.max_rows) + " rows");
    }
    for (auto& [key, value] : obj.items()) {
      auto it = index_.find(key);
      size_t col;
      if (it == index_.end()) {
        if (builders_.size() >= o_.limits.max_columns) {
          return Error(": more than " + std::to_string(o_.limits.max_columns) + " columns");
        }
        if (key.empty()) return Error(": an empty key");
        col = builders_.size();
        index_.emplace(key, col);
        builders_.emplace_back(key, false);
        for (uint64_t r = 0; r < rows_; ++r) builders_.back().AddMissing();
      } else {
        col = it->second;
      }
      ColumnBuilder& b = builders_[col];
      if (b.size() > rows_) continue;  // a repeated key: the first one wins
      if (value.is_null()) b.AddMissing();
      else if (value.is_boolean()) b.AddBool(value.get<bool>());
      else if (value.is_number_integer()) b.AddNumber(value.get<double>(), true);
      else if (value.is_number()) b.AddNumber(value.get<double>(), false);
      else if (value.is_string()) b.AddString(value.get_ref<const std::string&>());
      else b.AddString(value.dump());
    }
    ++rows_;
    for (auto& b : builders_) {
      if (b.size() < rows_) b.AddMissing();
    }
    return Status::Ok();
  }

  const ReadOptions& o_;
  uint64_t line_ = 1;
  uint64_t rows_ = 0;
  std::unordered_map<std::string, size_t> index_;
  std::vector<ColumnBuilder> builders_;
};

// Runs a delimited pass; when columns turned to strings after numbers and `rewind` can bring
// the input back, runs a second pass with those columns read as strings from the start.
template <typename MakeInput, typename Rewind>
Result<Table> ReadDelimited(const ReadOptions& options, size_t total_bytes, MakeInput make_input,
                            Rewind rewind) {
  std::vector<bool> none;
  Input first = make_input();
  DelimitedPass pass(options, none, total_bytes);
  ASSIGN_OR_RETURN(Table table, pass.Run(first));
  std::vector<bool> mask = pass.ConvertedMask();
  if (std::find(mask.begin(), mask.end(), true) == mask.end() || !rewind()) return table;
  Input second = make_input();
  DelimitedPass again(options, mask, total_bytes);
  return again.Run(second);
}

}  // namespace

std::optional<TableFormat> ParseTableFormat(std::string_view name) {
  if (name == "csv") return TableFormat::kCsv;
  if (name == "tsv") return TableFormat::kTsv;
  if (name == "jsonl") return TableFormat::kJsonl;
  return std::nullopt;
}

std::optional<TableFormat> FormatFromPath(std::string_view path) {
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".csv")) return TableFormat::kCsv;
  if (EndsWith(lower, ".tsv") || EndsWith(lower, ".tab")) return TableFormat::kTsv;
  if (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson")) return TableFormat::kJsonl;
  return std::nullopt;
}

Result<Table> ReadTableFromBuffer(std::string_view data, const ReadOptions& options) {
  if (options.format == TableFormat::kJsonl) {
    Input in(data);
    return JsonlPass(options).Run(in);
  }
  const int threads = internal::ReadThreads(options);
  if (threads > 1 && data.size() >= internal::kParallelMinBytes) {
    const size_t ranges = std::min<size_t>(static_cast<size_t>(threads), data.size() / (internal::kParallelMinBytes / 4));
    return internal::ReadDelimitedParallel(data, options, static_cast<int>(ranges));
  }
  return ReadDelimited(options, data.size(), [&] { return Input(data); }, [] { return true; });
}

namespace {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

struct Contents {
  std::unique_ptr<char[], FreeDeleter> data;  // not zeroed: every byte is read into
  size_t size = 0;
};

// The first `size` bytes of a file, read in `threads` parts at once (each thread copies and
// faults in its own part). The buffer asks for 2 MiB pages: on the test VM that removed 100,000
// page faults and ~0.1 s of kernel time for a 400 MB file. kInternal when the file is shorter
// than `size` (it changed), a read fails, or memory runs out.
Result<Contents> ReadWhole(const std::string& path, size_t size, int threads, const ReadOptions& options) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
  Contents c{std::unique_ptr<char[], FreeDeleter>(static_cast<char*>(std::aligned_alloc(kHugePage, rounded))), size};
  if (c.data == nullptr) return Internal(options.name + ": no memory to read the file into");
#if defined(MADV_HUGEPAGE)
  madvise(c.data.get(), rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  const size_t parts = static_cast<size_t>(threads);
  std::vector<char> ok(parts, 0);
  std::vector<std::thread> pool;
  auto read_part = [&](size_t k) {
    const size_t b = size * k / parts, e = size * (k + 1) / parts;
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(b));
    in.read(c.data.get() + b, static_cast<std::streamsize>(e - b));
    ok[k] = in && static_cast<size_t>(in.gcount()) == e - b;
  };
  for (size_t k = 1; k < parts; ++k) pool.emplace_back(read_part, k);
  read_part(0);
  for (auto& t : pool) t.join();
  if (std::find(ok.begin(), ok.end(), 0) != ok.end()) return Internal(options.name + ": reading the file failed");
  return c;
}

Result<Table> ReadStream(std::istream& in, const ReadOptions& options, size_t total_bytes) {
  if (options.format == TableFormat::kJsonl) {
    Input input(&in);
    return JsonlPass(options).Run(input);
  }
  std::streampos start = in.tellg();
  return ReadDelimited(
      options, total_bytes, [&] { return Input(&in); },
      [&] {
        if (start == std::streampos(-1)) return false;
        in.clear();
        in.seekg(start);
        return static_cast<bool>(in);
      });
}

}  // namespace

Result<Table> ReadTable(std::istream& in, const ReadOptions& options) { return ReadStream(in, options, 0); }

Result<Table> ReadTableFile(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(options.name + ": cannot open the file");
  in.seekg(0, std::ios::end);
  std::streampos end = in.tellg();
  in.seekg(0, std::ios::beg);
  const size_t size = end > 0 ? static_cast<size_t>(end) : 0;
  const int threads = internal::ReadThreads(options);
  if (threads > 1 && size >= internal::kParallelMinBytes && options.format != TableFormat::kJsonl) {
    ASSIGN_OR_RETURN(Contents contents, ReadWhole(path, size, threads, options));
    return ReadTableFromBuffer(std::string_view(contents.data.get(), contents.size), options);
  }
  return ReadStream(in, options, size);
}

}  // namespace moebius::data