#include "serving/capture_log.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/log.h"

namespace moebius::serving {
namespace {

using store::Row;
using store::Tx;

constexpr size_t kEagerBatch = 2000;  // a queue this long is written at once, not at the next round

Json TensorJson(const std::string& datatype, const std::vector<int64_t>& shape, const Json& data) {
  return Json{{"datatype", datatype}, {"shape", shape}, {"data", data}};
}

std::string RecordLine(const CaptureRecord& r) {
  Json inputs = Json::object();
  if (r.request)
    for (const auto& t : r.request->inputs)
      inputs[t.name] = TensorJson(t.datatype, t.shape, t.datatype == "BYTES" ? Json(t.strings) : Json(t.numbers));
  Json outputs = Json::object();
  for (const auto& t : r.outputs) outputs[t.name] = TensorJson(t.datatype, t.shape, Json(t.data));
  Json line{{"id", r.request_id}, {"at", r.at_ms},           {"variant", r.variant}, {"model", r.model}, {"version", r.version},
            {"shadow", r.shadow}, {"latency_ms", r.latency_ms}, {"inputs", inputs},    {"outputs", outputs}};
  if (!r.error.empty()) line["error"] = r.error;
  return line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Status AppendFile(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot open capture segment " + path);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Internal("cannot write capture segment " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return Status::Ok();
}

// The JSON lines of a segment: every complete frame (a frame being appended is left for later).
Result<std::vector<std::string>> ReadSegment(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<std::string>{};
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string text;
  size_t at = 0;
  while (at < bytes.size()) {
    size_t frame = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
    if (ZSTD_isError(frame)) break;  // the tail being written
    unsigned long long size = ZSTD_getFrameContentSize(bytes.data() + at, frame);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 30))
      return Internal("capture segment " + path + " has a frame without its size");
    std::string out(size, '\0');
    size_t n = ZSTD_decompress(out.data(), out.size(), bytes.data() + at, frame);
    if (ZSTD_isError(n)) return Internal("capture segment " + path + " is damaged: " + ZSTD_getErrorName(n));
    out.resize(n);
    text += out;
    at += frame;
  }
  std::vector<std::string> lines;
  std::istringstream s(text);
  for (std::string line; std::getline(s, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace

std::vector<store::Migration> CaptureMigrations() {
  return {{1202, "serving_capture", R"SQL(
CREATE TABLE capture_segments (
  id BIGINT PRIMARY KEY,
  deployment_id BIGINT NOT NULL,
  path TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  records BIGINT NOT NULL,
  bytes BIGINT NOT NULL
);
CREATE INDEX capture_segments_deployment ON capture_segments (deployment_id, id);
CREATE TABLE inference_feedback (
  deployment_id BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  value TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (deployment_id, request_id)
);
)SQL"}};
}

CaptureLog::CaptureLog(store::Database& db, std::string dir, const Clock& clock, Options options)
    : db_(db), dir_(std::move(dir)), clock_(clock), options_(options) {
  writer_ = std::thread([this] { Run(); });
}

CaptureLog::~CaptureLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

bool CaptureLog::Offer(CaptureRecord r) {
  {
    std::lock_guard lock(mu_);
    Counts& c = counts_[r.deployment_id];
    if (queue_.size() >= options_.capacity || stop_) {
      ++c.dropped;
      return false;
    }
    ++c.queued;
    ++offered_seq_;
    queue_.push_back(std::move(r));
    if (queue_.size() < kEagerBatch) return true;  // the writer takes it on its next round
  }
  wake_.notify_one();
  return true;
}

Status CaptureLog::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = offered_seq_;
  flush_target_ = std::max(flush_target_, target);
  wake_.notify_one();
  written_.wait(lock, [&] { return written_seq_ >= target; });
  return Status::Ok();
}

CaptureLog::Counts CaptureLog::CountsOf(int64_t deployment_id) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(deployment_id);
  return it == counts_.end() ? Counts{} : it->second;
}

void CaptureLog::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_ms), [&] { return stop_ || flush_target_ > written_seq_ || queue_.size() >= kEagerBatch; });
    if (queue_.empty()) {
      if (stop_) return;
      continue;
    }
    std::deque<CaptureRecord> batch;
    batch.swap(queue_);
    lock.unlock();
    std::map<int64_t, std::vector<CaptureRecord>> by_deployment;
    for (auto& r : batch) by_deployment[r.deployment_id].push_back(std::move(r));
    std::map<int64_t, int64_t> written;
    for (auto& [id, records] : by_deployment) {
      Status s = Write(id, records);
      if (!s.ok()) log::Warn("capture: " + s.message());
      else written[id] = static_cast<int64_t>(records.size());
    }
    lock.lock();
    for (auto& [id, records] : by_deployment) {
      Counts& c = counts_[id];
      c.queued -= static_cast<int64_t>(records.size());
      c.written += written[id];
      c.dropped += static_cast<int64_t>(records.size()) - written[id];
    }
    written_seq_ += batch.size();
    written_.notify_all();
  }
}

Status CaptureLog::Write(int64_t deployment_id, const std::vector<CaptureRecord>& batch) {
  std::string text;
  for (const auto& r : batch) text += RecordLine(r);
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 3);
  if (ZSTD_isError(n)) return Internal(std::string("cannot compress captured records: ") + ZSTD_getErrorName(n));
  frame.resize(n);
  int64_t first = batch.front().at_ms, last = batch.back().at_ms;

  Segment& seg = open_[deployment_id];
  if (seg.id == 0 || seg.records >= static_cast<int64_t>(options_.segment_records)) {
    std::string folder = dir_ + "/" + std::to_string(deployment_id);
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return Internal("cannot create " + folder + ": " + ec.message());
    Segment fresh;
    RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(fresh.id, tx.NextId("capture_segments"));
      fresh.path = folder + "/" + std::to_string(fresh.id) + ".jsonl.zst";
      return tx.Exec("INSERT INTO capture_segments (id, deployment_id, path, first_at, last_at, records, bytes) VALUES (?, ?, ?, ?, ?, 0, 0)",
                     {fresh.id, deployment_id, fresh.path, first, last})
          .status();
    }));
    seg = fresh;
  }
  RETURN_IF_ERROR(AppendFile(seg.path, frame));
  seg.records += static_cast<int64_t>(batch.size());
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("UPDATE capture_segments SET last_at = ?, records = records + ?, bytes = bytes + ? WHERE id = ?",
                   {last, static_cast<int64_t>(batch.size()), static_cast<int64_t>(frame.size()), seg.id})
        .status();
  });
}

Result<std::vector<Json>> CaptureLog::Read(int64_t deployment_id, const CaptureQuery& q) {
  RETURN_IF_ERROR(Flush());
  std::vector<std::string> paths;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT path FROM capture_segments WHERE deployment_id = ? ORDER BY id DESC", {deployment_id}));
    for (const auto& r : rows) paths.push_back(r.Text(0));
    return Status::Ok();
  }));
  std::set<std::string> with_feedback;
  if (q.with_feedback_only) {
    RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT request_id FROM inference_feedback WHERE deployment_id = ?", {deployment_id}));
      for (const auto& r : rows) with_feedback.insert(r.Text(0));
      return Status::Ok();
    }));
  }
  std::vector<Json> out;
  for (const auto& path : paths) {
    ASSIGN_OR_RETURN(auto lines, ReadSegment(path));
    for (auto it = lines.rbegin(); it != lines.rend() && static_cast<int64_t>(out.size()) < q.limit; ++it) {
      Json rec = Json::parse(*it, nullptr, false);
      if (!rec.is_object()) continue;
      if (!q.variant.empty() && rec.value("variant", "") != q.variant) continue;
      if (!q.request_id.empty() && rec.value("id", "") != q.request_id) continue;
      if (q.with_feedback_only && !with_feedback.count(rec.value("id", ""))) continue;
      out.push_back(std::move(rec));
    }
    if (static_cast<int64_t>(out.size()) >= q.limit) break;
  }
  std::vector<std::string> ids;
  for (const auto& r : out) ids.push_back(r.value("id", ""));
  ASSIGN_OR_RETURN(auto feedback, FeedbackOf(deployment_id, ids));
  for (auto& r : out) {
    auto f = feedback.find(r.value("id", ""));
    if (f != feedback.end()) r["feedback"] = f->second;
  }
  return out;
}

Status CaptureLog::PutFeedback(int64_t deployment_id, const std::string& request_id, const Json& value, const std::string& actor) {
  int64_t now = clock_.NowMillis();
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("INSERT INTO inference_feedback (deployment_id, request_id, value, actor, at) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (deployment_id, request_id) DO UPDATE SET value = excluded.value, actor = excluded.actor, at = excluded.at",
                   {deployment_id, request_id, value.dump(), actor, now})
        .status();
  });
}

Result<std::map<std::string, Json>> CaptureLog::FeedbackOf(int64_t deployment_id, const std::vector<std::string>& request_ids) {
  std::map<std::string, Json> out;
  if (request_ids.empty()) return out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    for (const auto& id : request_ids) {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM inference_feedback WHERE deployment_id = ? AND request_id = ?", {deployment_id, id}));
      if (!rows.empty()) out[id] = Json::parse(rows[0].Text(0), nullptr, false);
    }
    return Status::Ok();
  }));
  return out;
}

Status CaptureLog::Forget(int64_t deployment_id) {
  RETURN_IF_ERROR(Flush());
  std::vector<std::string> paths;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT path FROM capture_segments WHERE deployment_id = ?", {deployment_id}));
    for (const auto& r : rows) paths.push_back(r.Text(0));
    RETURN_IF_ERROR(tx.Exec("DELETE FROM capture_segments WHERE deployment_id = ?", {deployment_id}).status());
    return tx.Exec("DELETE FROM inference_feedback WHERE deployment_id = ?", {deployment_id}).status();
  }));
  for (const auto& p : paths) std::filesystem::remove(p);
  return Status::Ok();
}

}  // namespace moebius::serving
