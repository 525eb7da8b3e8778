#include "cli/job_step_io.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/crypto.h"
#include "base/strings.h"
#include "cli/rest_client.h"

namespace moebius::cli {
namespace fs = std::filesystem;
namespace {

bool IsStep(const jobs::Job& job) { return job.spec.payload.is_object() && job.spec.payload.contains("pipeline_step"); }

std::string JobPath(const jobs::Job& job) { return "/api/v1/jobs/" + std::to_string(job.id); }

bool SafeRelative(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find('\\') != std::string::npos) return false;
  for (const auto& seg : Split(p, '/'))
    if (seg.empty() || seg == "." || seg == "..") return false;
  return true;
}

Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Internal("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Internal("cannot write " + path.string());
  return Status::Ok();
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Json> Upload(RestClient& client, const jobs::Job& job, const fs::path& file, const std::string& rel) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
  std::string sha = Sha256Hex(bytes);
  ASSIGN_OR_RETURN(Json got, client.PutBytes(JobPath(job) + "/step-blobs", bytes));
  if (got.value("sha256", "") != sha) return Internal("the server stored " + file.string() + " under another digest");
  return Json{{"path", rel}, {"sha256", sha}, {"size", static_cast<int64_t>(bytes.size())}};
}

}  // namespace

static Status Prepare(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir);
static Status Collect(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir);

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&)> StepInputPreparer(std::string server) {
  return [server](const jobs::Job& job, const jobs::JobToken& token, const std::string& dir) -> Status {
    if (!IsStep(job)) return Status::Ok();
    try {
      return Prepare(server, job, token, dir);
    } catch (const Json::exception& e) {
      return Internal(std::string("unexpected step inputs from the server: ") + e.what());
    }
  };
}

Status Prepare(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir) {
  {
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "outputs", ec);
    fs::create_directories(fs::path(dir) / "inputs", ec);
    if (ec) return Internal("cannot create inputs/ and outputs/ in " + dir + ": " + ec.message());
    const Json& step = job.spec.payload["pipeline_step"];
    if (step.contains("outputs") && step["outputs"].is_array())
      for (const Json& o : step["outputs"])
        if (o.value("type", "") == "dir" && o.contains("name") && o["name"].is_string()) fs::create_directories(fs::path(dir) / "outputs" / o["name"].get<std::string>(), ec);
    RestClient client(server, token.secret);
    ASSIGN_OR_RETURN(Json got, client.Get(JobPath(job) + "/step-inputs"));
    const Json inputs = got.value("inputs", Json::object());
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
      const std::string& name = it.key();
      if (!SafeRelative(name)) return InvalidArgument("bad input name '" + name + "'");
      fs::path base = fs::path(dir) / "inputs" / name;
      bool is_dir = it->value("type", "") == "dir";
      if (is_dir) fs::create_directories(base, ec);
      for (const Json& f : (*it)["files"]) {
        std::string sha = f.value("sha256", ""), rel = f.value("path", "");
        if (is_dir && !SafeRelative(rel)) return InvalidArgument("input '" + name + "': bad file path '" + rel + "'");
        auto bytes = client.GetBytes(JobPath(job) + "/step-blobs/" + sha);
        if (!bytes.ok()) return Status(bytes.status().code(), "input '" + name + "': " + bytes.status().message());
        if (Sha256Hex(*bytes) != sha) return Internal("input '" + name + "': the content does not match its digest " + sha);
        RETURN_IF_ERROR(WriteFile(is_dir ? base / rel : base, *bytes));
      }
    }
    return Status::Ok();
  }
}

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&, int)> StepOutputCollector(std::string server) {
  return [server](const jobs::Job& job, const jobs::JobToken& token, const std::string& dir, int exit_code) -> Status {
    if (!IsStep(job) || exit_code != 0) return Status::Ok();
    try {
      return Collect(server, job, token, dir);
    } catch (const Json::exception& e) {
      return Internal(std::string("unexpected answer from the server while collecting outputs: ") + e.what());
    }
  };
}

Status Collect(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir) {
  {
    const Json& step = job.spec.payload["pipeline_step"];
    RestClient client(server, token.secret);
    Json outputs = Json::object();
    for (const Json& o : step.value("outputs", Json::array())) {
      std::string name = o.value("name", ""), type = o.value("type", "file");
      if (!SafeRelative(name)) return InvalidArgument("bad output name '" + name + "'");
      fs::path path = fs::path(dir) / "outputs" / name;
      std::error_code ec;
      auto st = fs::symlink_status(path, ec);
      Json files = Json::array();
      if (type == "file") {
        if (ec || !fs::exists(st)) return NotFound("output '" + name + "': the command did not write outputs/" + name);
        if (!fs::is_regular_file(st)) return InvalidArgument("output '" + name + "': outputs/" + name + " must be a regular file");
        ASSIGN_OR_RETURN(Json f, Upload(client, job, path, ""));
        files.push_back(f);
      } else {
        if (ec || !fs::is_directory(st)) return NotFound("output '" + name + "': outputs/" + name + " is not a folder");
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
          auto fst = it->symlink_status();
          if (fs::is_directory(fst)) continue;
          std::string rel = fs::relative(it->path(), path).generic_string();
          if (!fs::is_regular_file(fst)) return InvalidArgument("output '" + name + "': " + rel + " is not a regular file (links are not collected)");
          ASSIGN_OR_RETURN(Json f, Upload(client, job, it->path(), rel));
          files.push_back(f);
        }
        if (ec) return Internal("output '" + name + "': reading " + path.string() + ": " + ec.message());
      }
      outputs[name] = {{"type", type}, {"files", files}};
    }
    return client.Post(JobPath(job) + "/step-outputs", Json{{"outputs", outputs}}).status();
  }
}

}  // namespace moebius::cli
