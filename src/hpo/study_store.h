// StudyStore: studies and their trials in the metadata store (migrations 700-709).
//
// Thread-safety: thread-safe (the Database serializes writes). The driver is the only writer of
// trials; the API writes studies (create, stop through the driver).
#pragma once

#include <vector>

#include "base/status.h"
#include "hpo/study_types.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::hpo {

std::vector<store::Migration> HpoMigrations();

class StudyStore {
 public:
  explicit StudyStore(store::Database& db) : db_(db) {}

  // Assigns the id. kAlreadyExists when the project has a study of that name.
  Result<StudyRecord> Create(StudyRecord s);
  Result<StudyRecord> Get(int64_t id);
  // A project's studies, newest first.
  Result<std::vector<StudyRecord>> List(int64_t project_id);
  Result<std::vector<StudyRecord>> ListRunning();
  Status SetState(int64_t id, StudyState state, const std::string& error, int64_t finished_at);

  Status PutTrial(const TrialRecord& t);  // insert or replace (study_id, number)
  Result<std::vector<TrialRecord>> Trials(int64_t study_id);

 private:
  store::Database& db_;
};

}  // namespace moebius::hpo
