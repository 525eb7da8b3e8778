// Captured inferences and their feedback (SRV-5, SRV-6, DATA-12; docs/design/serving.md), migration
// 1202. A sampled share of a deployment's requests — inputs, outputs, variant, model version,
// latency, request id; shadow answers too — is handed to Offer, which only queues it: a writer
// thread turns the queue into JSON lines compressed with zstd and appends them, one frame per flush,
// to the deployment's current segment file (`<dir>/<deployment id>/<segment id>.jsonl.zst`, a new
// one every `segment_records` records), indexed in `capture_segments`. Serving never waits on the
// disk: when the queue is full the record is dropped and counted.
//
// Feedback (ground truth for a request id) is kept in `inference_feedback`, one per request; Read
// joins it onto the captured records.
//
// Thread-safety: thread-safe. Offer never blocks on I/O.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "serving/v2_protocol.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::serving {

struct CaptureRecord {
  int64_t deployment_id = 0;
  std::string request_id;
  int64_t at_ms = 0;
  std::string variant;
  std::string model;
  int64_t version = 0;
  bool shadow = false;  // a shadow variant's answer: logged, never returned
  double latency_ms = 0;
  std::shared_ptr<const InferRequest> request;
  std::vector<OutputTensor> outputs;
  std::string error;  // a shadow that could not answer
};

struct CaptureQuery {
  int64_t limit = 50;           // 1..1000, newest first
  std::string variant;          // only this variant
  std::string request_id;       // only this request (its live and shadow answers)
  bool with_feedback_only = false;
};

std::vector<store::Migration> CaptureMigrations();

class CaptureLog {
 public:
  struct Options {
    size_t capacity = 20000;         // queued records; beyond, Offer drops
    size_t segment_records = 10000;  // records per segment file
    int flush_ms = 500;              // the writer wakes at least this often
  };
  CaptureLog(store::Database& db, std::string dir, const Clock& clock) : CaptureLog(db, std::move(dir), clock, Options{}) {}
  CaptureLog(store::Database& db, std::string dir, const Clock& clock, Options options);
  ~CaptureLog();  // writes what is queued, then stops
  CaptureLog(const CaptureLog&) = delete;
  CaptureLog& operator=(const CaptureLog&) = delete;

  // Queues `r`; false (and counted as dropped) when the queue is full.
  bool Offer(CaptureRecord r);
  // Returns once everything offered before the call is written (for tests and reads that must see
  // the latest requests).
  Status Flush();

  struct Counts {
    int64_t written = 0;
    int64_t dropped = 0;
    int64_t queued = 0;
  };
  Counts CountsOf(int64_t deployment_id);

  // Records newest first, each {id, at, variant, model, version, shadow, latency_ms, inputs, outputs,
  // error?, feedback?}.
  Result<std::vector<Json>> Read(int64_t deployment_id, const CaptureQuery& q);

  // Ground truth for a request of the deployment: `value` any JSON (a label, a number, an object);
  // a second feedback for the same request replaces the first.
  Status PutFeedback(int64_t deployment_id, const std::string& request_id, const Json& value, const std::string& actor);
  // {request_id: value} of the given requests that have feedback.
  Result<std::map<std::string, Json>> FeedbackOf(int64_t deployment_id, const std::vector<std::string>& request_ids);

  // Removes a deployment's segments and feedback (the deployment is deleted).
  Status Forget(int64_t deployment_id);

 private:
  struct Segment {
    int64_t id = 0;
    std::string path;
    int64_t records = 0;
  };
  void Run();
  // Writes `batch` (one deployment's records) onto its current segment.
  Status Write(int64_t deployment_id, const std::vector<CaptureRecord>& batch);

  store::Database& db_;
  const std::string dir_;
  const Clock& clock_;
  const Options options_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<CaptureRecord> queue_;
  uint64_t offered_seq_ = 0;  // records accepted so far
  uint64_t written_seq_ = 0;  // records taken off the queue and written (or failed) so far
  uint64_t flush_target_ = 0;  // Flush waits for written_seq_ to reach it
  bool stop_ = false;
  std::map<int64_t, Counts> counts_;
  std::map<int64_t, Segment> open_;  // the current segment per deployment (writer thread only)
  std::thread writer_;
};

}  // namespace moebius::serving
