#include "cli/job_data_inputs.h"

#include <filesystem>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/rest_client.h"

namespace moebius::cli {
namespace fs = std::filesystem;
namespace {

// Fails when a folder from `root` down to `root/rel` (those that exist) is a symbolic link or not
// a folder, or when an existing target holds a link anywhere below it.
Status CheckTarget(const fs::path& root, const std::string& rel) {
  fs::path at = root;
  std::error_code ec;
  for (const auto& seg : Split(rel, '/')) {
    if (seg.empty() || seg == "." || seg == "..") return InvalidArgument("data path '" + rel + "' must be relative without '.' or '..'");
    at /= seg;
    auto st = fs::symlink_status(at, ec);
    if (ec || st.type() == fs::file_type::not_found) return Status::Ok();  // created fresh from here on
    if (st.type() == fs::file_type::symlink) return InvalidArgument("'" + at.string() + "' is a symbolic link; data is not written through links");
    if (st.type() != fs::file_type::directory) return InvalidArgument("'" + at.string() + "' exists and is not a folder");
  }
  for (auto it = fs::recursive_directory_iterator(at, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_symlink(ec)) return InvalidArgument("'" + it->path().string() + "' is a symbolic link inside the data path '" + rel + "'");
  if (ec) return Internal("cannot read " + at.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Status MaterializeJobData(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir,
                          int64_t max_bytes) {
  const Json& p = job.spec.payload;
  if (!p.is_object() || !p.contains("data")) return Status::Ok();
  if (!p["data"].is_array()) return InvalidArgument("payload.data must be a list");
  if (token.secret.empty()) return FailedPrecondition("the job has no token to download its data with");
  RestClient client(server, token.secret);
  // The job's project by name (the data routes are addressed by project name).
  ASSIGN_OR_RETURN(Json self, client.Get("/api/v1/jobs/" + std::to_string(job.id)));
  std::string project = self["job"].value("project", "");
  if (project.empty()) return Internal("the server did not say which project job " + std::to_string(job.id) + " is in");
  int64_t total = 0;
  for (const Json& e : p["data"]) {
    if (!e.is_object() || !e.contains("dataset") || !e["dataset"].is_string() || !e.contains("version") ||
        !e["version"].is_number_integer())
      return InvalidArgument("payload.data entries must be {dataset, version, path}");
    std::string dataset = e["dataset"].get<std::string>();
    int64_t number = e["version"].get<int64_t>();
    std::string rel = e.contains("path") && e["path"].is_string() ? e["path"].get<std::string>() : "data/" + dataset;
    std::string name = dataset + "@v" + std::to_string(number);
    RETURN_IF_ERROR(CheckTarget(dir, rel));
    std::string base = "/api/v1/projects/" + RestClient::Segment(project) + "/datasets/" + RestClient::Segment(dataset) + "/versions/" +
                       std::to_string(number);
    auto info = client.Get(base);
    if (!info.ok()) return Status(info.status().code(), name + ": " + info.status().message());
    int64_t bytes = (*info)["version"].value("bytes", int64_t{0});
    if (total + bytes > max_bytes)
      return TooLarge(name + " would bring the job's data to " + std::to_string(total + bytes) + " bytes, over the limit of " +
                               std::to_string(max_bytes) + " bytes");
    // The archive goes to a file beside the job's directory (not into it, so the command never
    // sees it), is extracted from there and removed: memory stays small whatever the size.
    fs::path job_dir = fs::path(dir).lexically_normal();
    if (job_dir.filename().empty()) job_dir = job_dir.parent_path();
    std::string tar_file = job_dir.string() + ".data-" + std::to_string(total) + ".tar";
    auto got = client.GetToFile(base + "/archive?manifest=1", tar_file, max_bytes - total);
    if (!got.ok()) {
      if (got.status().code() == StatusCode::kTooLarge)
        return TooLarge(name + ": its archive is over the limit of " + std::to_string(max_bytes) + " bytes");
      return Status(got.status().code(), name + ": downloading: " + got.status().message());
    }
    total += *got;
    auto n = ExtractTarFile(tar_file, (fs::path(dir) / rel).string());
    std::error_code ec;
    fs::remove(tar_file, ec);
    if (!n.ok()) return Status(n.status().code(), name + ": " + n.status().message());
  }
  return Status::Ok();
}

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&)> JobDataPreparer(std::string server,
                                                                                                    int64_t max_bytes) {
  return [server = std::move(server), max_bytes](const jobs::Job& job, const jobs::JobToken& token, const std::string& dir) {
    return MaterializeJobData(server, job, token, dir, max_bytes);
  };
}

}  // namespace moebius::cli
