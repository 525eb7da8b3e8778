// Unit tests of environments and code snapshots: spec validation and secret masking, revisions,
// the tree hash, ignore rules, archive reading (traversal, links, corruption), the code store,
// reading a git repository made here with libgit2, and the templates.
#include <gtest/gtest.h>

#include <algorithm>
#include <git2.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/crypto.h"
#include "envcode/code_archive.h"
#include "envcode/code_store.h"
#include "envcode/code_tar_stream.h"
#include "envcode/code_templates.h"
#include "envcode/environment_store.h"
#include "envcode/ignore_rules.h"
#include "envcode/local_tree.h"
#include "store/meta/sqlite_database.h"

namespace moebius::envcode {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& tag) {
  fs::path p = fs::temp_directory_path() /
               ("moebius-envcode-" + std::to_string(::getpid()) + "-" + tag + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void WriteFile(const fs::path& p, const std::string& content, bool exec = false) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  fs::permissions(p, exec ? fs::perms(0755) : fs::perms(0644));
}

std::vector<std::string> Paths(const std::vector<TreeFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

// ---- environments

TEST(EnvironmentSpec, ParsesAndMasksSecrets) {
  Json j = Json::parse(R"({"kind": "inference", "image": "reg.example/t:1", "resources": {"cpus": 2, "memory_mb": 1024, "gpus": 1},
    "variables": [{"name": "A", "value": "1"}, {"name": "TOKEN", "value": "s3cret", "secret": true}],
    "parameters": {"lr": 0.1}, "references": [{"name": "vocab", "path": "/srv/ref/vocab.txt"}]})");
  auto s = ParseEnvironmentSpec(j, nullptr);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kind, "inference");
  EXPECT_EQ(s->gpus, 1);
  Json pub = SpecToPublicJson(*s);
  EXPECT_TRUE(pub["variables"][1]["value"].is_null());
  EXPECT_EQ(pub["variables"][0]["value"], "1");
  EXPECT_EQ(pub.dump().find("s3cret"), std::string::npos);
  EXPECT_NE(SpecToStoredJson(*s).dump().find("s3cret"), std::string::npos);

  Environment env;
  env.name = "prod";
  env.revision = 3;
  env.spec = *s;
  auto vars = JobEnvironmentVariables(env);
  auto find = [&](const std::string& k) {
    for (const auto& [n, v] : vars)
      if (n == k) return v;
    return std::string("<none>");
  };
  EXPECT_EQ(find("TOKEN"), "s3cret");
  EXPECT_EQ(find("MOEBIUS_ENVIRONMENT_REVISION"), "3");
  EXPECT_EQ(find("MOEBIUS_REF_VOCAB"), "/srv/ref/vocab.txt");
  EXPECT_EQ(Json::parse(find("MOEBIUS_ENV_PARAMS"))["lr"], 0.1);
}

TEST(EnvironmentSpec, RefusesBadInput) {
  auto bad = [](const char* text) { return ParseEnvironmentSpec(Json::parse(text), nullptr).status(); };
  EXPECT_EQ(bad(R"({"kind": "prod"})").code(), StatusCode::kInvalidArgument);
  Status container = bad(R"({"isolation": "container", "image": "x:1"})");
  EXPECT_EQ(container.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(container.message().find("not supported yet"), std::string::npos);
  EXPECT_FALSE(bad(R"({"variables": [{"name": "MLFLOW_TRACKING_URI", "value": "x"}]})").ok());
  EXPECT_FALSE(bad(R"({"variables": [{"name": "1A", "value": "x"}]})").ok());
  EXPECT_FALSE(bad(R"({"variables": [{"name": "A", "value": "x"}, {"name": "A", "value": "y"}]})").ok());
  EXPECT_FALSE(bad(R"({"variables": [{"name": "S", "secret": true}]})").ok());
  EXPECT_FALSE(bad(R"({"references": [{"name": "r", "path": "relative/p"}]})").ok());
  EXPECT_FALSE(bad(R"({"references": [{"name": "r", "path": "/a/../etc"}]})").ok());
  EXPECT_FALSE(bad(R"({"resources": {"cpus": 0}})").ok());
  EXPECT_FALSE(bad(R"({"image": "has space"})").ok());
  EXPECT_FALSE(bad(R"({"parameters": [1]})").ok());
  EXPECT_FALSE(bad(R"({"surprise": 1})").ok());
  EXPECT_FALSE(ValidateEnvironmentName("Bad Name").ok());
  EXPECT_TRUE(ValidateEnvironmentName("gpu-train.v2").ok());
}

TEST(EnvironmentSpec, SecretWithoutValueKeepsThePreviousOne) {
  auto first = ParseEnvironmentSpec(Json::parse(R"({"variables": [{"name": "K", "value": "old", "secret": true}]})"), nullptr);
  ASSERT_TRUE(first.ok());
  auto edit = ParseEnvironmentSpec(Json::parse(R"({"variables": [{"name": "K", "value": null, "secret": true}]})"), &*first);
  ASSERT_TRUE(edit.ok());
  EXPECT_EQ(edit->variables[0].value, "old");
  auto change = ParseEnvironmentSpec(Json::parse(R"({"variables": [{"name": "K", "value": "new", "secret": true}]})"), &*first);
  EXPECT_EQ(change->variables[0].value, "new");
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("store");
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    auto m = EnvironmentMigrations();
    auto c = CodeMigrations();
    m.insert(m.end(), c.begin(), c.end());
    ASSERT_TRUE(store::Migrate(*db_, m).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  ManualClock clock_{1000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
};

TEST_F(StoreTest, EnvironmentRevisions) {
  EnvironmentStore envs(*db_, clock_);
  EnvironmentSpec spec;
  spec.variables = {{"A", "1", false}};
  auto e = envs.Create(1, "train", spec, "alice", "first");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->revision, 1);
  EXPECT_EQ(envs.Create(1, "train", spec, "alice", "").status().code(), StatusCode::kAlreadyExists);
  spec.variables[0].value = "2";
  auto e2 = envs.Update(1, "train", spec, "bob", "second");
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(e2->revision, 2);
  EXPECT_EQ(envs.Get(1, "train", 1)->spec.variables[0].value, "1");
  EXPECT_EQ(envs.Get(1, "train")->spec.variables[0].value, "2");
  EXPECT_EQ(envs.Revisions(1, "train")->size(), 2u);
  EXPECT_EQ(envs.Get(2, "train").status().code(), StatusCode::kNotFound);  // other project
  ASSERT_TRUE(envs.Delete(1, "train").ok());
  EXPECT_EQ(envs.Get(1, "train").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(envs.Get(1, "train", 2, true).ok());  // a queued job still resolves its revision
  EXPECT_TRUE(envs.List(1)->empty());
  auto again = envs.Create(1, "train", spec, "alice", "re-created");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revision, 3);  // revisions are never reused
}

// ---- tree hash, archives, store

TEST(TreeHash, SameTreeSameIdWhateverTheOrder) {
  std::vector<TreeFile> a = {{"b.py", 0644, "print(2)"}, {"a/x.py", 0755, "x"}, {"a.py", 0644, "print(1)"}};
  std::vector<TreeFile> b = {a[2], a[0], a[1]};
  auto ha = TreeHash(*Describe(a)), hb = TreeHash(*Describe(b));
  ASSERT_TRUE(ha.ok());
  EXPECT_EQ(*ha, *hb);
  // The listing is the documented one, sorted by path bytes ('.' < '/').
  std::string listing = "100644 " + Sha256Hex("print(1)") + " a.py\n" + "100755 " + Sha256Hex("x") + " a/x.py\n" + "100644 " +
                        Sha256Hex("print(2)") + " b.py\n";
  EXPECT_EQ(*ha, Sha256Hex(listing));
  b[1].mode = 0755;  // mode is part of the id
  EXPECT_NE(*TreeHash(*Describe(b)), *ha);
  b[1].mode = 0644;
  b[1].content = "print(3)";  // so is content
  EXPECT_NE(*TreeHash(*Describe(b)), *ha);
  std::vector<TreeFile> dup = {{"a.py", 0644, "1"}, {"a.py", 0644, "2"}};
  EXPECT_FALSE(Describe(dup).ok());
}

TEST(CodeArchive, RoundTripAndArchiveOrderDoesNotMatter) {
  std::vector<TreeFile> files = {{"train.py", 0755, "print('hi')\n"}, {"lib/util.py", 0644, "X = 1\n"}};
  auto tar = WriteCodeTar(files);
  ASSERT_TRUE(tar.ok());
  auto back = ReadCodeArchive(*tar);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].path, "train.py");
  EXPECT_EQ((*back)[1].mode, 0755);
  EXPECT_EQ(*TreeHash(*Describe(*back)), *TreeHash(*Describe(files)));
}

TEST(CodeArchive, RefusesTraversalLinksCorruptAndEmpty) {
  // A tar whose entry is "../evil.py", written by hand (the writer validates paths).
  auto raw_tar = [](const std::string& name, char type = '0', const std::string& link = "") {
    std::string h(512, '\0');
    std::copy(name.begin(), name.end(), h.begin());
    std::string mode = "0000644", size = "00000000001", mtime = "00000000000";
    std::copy(mode.begin(), mode.end(), h.begin() + 100);
    std::copy(size.begin(), size.end(), h.begin() + 124);
    std::copy(mtime.begin(), mtime.end(), h.begin() + 136);
    h[156] = type;
    std::copy(link.begin(), link.end(), h.begin() + 157);
    std::string magic = "ustar";
    std::copy(magic.begin(), magic.end(), h.begin() + 257);
    h[263] = '0';
    h[264] = '0';
    std::fill(h.begin() + 148, h.begin() + 156, ' ');
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    char chk[8];
    std::snprintf(chk, sizeof chk, "%06o", sum);
    std::copy(chk, chk + 7, h.begin() + 148);
    std::string body(512, '\0');
    body[0] = 'x';
    return h + (type == '0' ? body : "") + std::string(1024, '\0');
  };
  auto traversal = ReadCodeArchive(raw_tar("../evil.py"));
  EXPECT_EQ(traversal.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(traversal.status().message().find("traversal"), std::string::npos) << traversal.status().message();
  EXPECT_EQ(ReadCodeArchive(raw_tar("/etc/passwd")).status().code(), StatusCode::kInvalidArgument);
  for (const char* windows : {"C:/Windows/evil.bat", "c:evil.bat", "..\\evil.bat"}) {
    auto refused = ReadCodeArchive(raw_tar(windows));
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << windows;
    EXPECT_NE(refused.status().message().find(windows), std::string::npos) << refused.status().message();
  }
  EXPECT_EQ(ReadCodeArchive(raw_tar("link", '2', "/etc/passwd")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadCodeArchive(raw_tar("ok.py")).ok());
  EXPECT_EQ(ReadCodeArchive("this is not an archive at all").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadCodeArchive("").status().code(), StatusCode::kInvalidArgument);
  std::string truncated = *WriteCodeTar({{"a.py", 0644, std::string(5000, 'a')}});
  truncated.resize(1200);
  EXPECT_EQ(ReadCodeArchive(truncated).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, CodeSnapshotsAreContentAddressed) {
  CodeStore code(*db_, *blobs_, clock_);
  std::vector<TreeFile> files = {{"train.py", 0755, "print(1)\n"}, {"README.md", 0644, "hi\n"}};
  bool created = false;
  auto s = code.Push(7, files, CodeOrigin{}, "alice", &created);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(created);
  EXPECT_EQ(s->files, 2);
  auto again = code.Push(7, {files[1], files[0]}, CodeOrigin{"git", std::string(40, 'a'), "main", false, ""}, "bob", &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(again->id, s->id);
  EXPECT_EQ(again->created_by, "alice");
  EXPECT_EQ(code.Get(7, s->id.substr(0, 10))->id, s->id);
  EXPECT_EQ(code.Get(8, s->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(code.Get(7, "zz").status().code(), StatusCode::kInvalidArgument);
  auto listed = code.Files(7, s->id);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].path, "train.py");
  EXPECT_EQ((*listed)[1].mode, 0755);
  // The streamed archive holds the same tree.
  CodeTarStream stream(*blobs_, *listed, 16);
  std::string tar;
  for (;;) {
    auto piece = stream.Next();
    ASSERT_TRUE(piece.ok());
    if (piece->empty()) break;
    tar += *piece;
  }
  EXPECT_EQ(*TreeHash(*Describe(*ReadCodeArchive(tar))), s->id);
  EXPECT_EQ(tar, *WriteCodeTar(files));
  EXPECT_EQ(code.File(7, s->id, "nope").status().code(), StatusCode::kNotFound);
}

TEST(CodeArchive, WriteFilesStaysInside) {
  fs::path dir = TempDir("write");
  ASSERT_TRUE(WriteFiles({{"a/b.sh", 0755, "echo\n"}}, dir.string()).ok());
  EXPECT_TRUE((fs::status(dir / "a/b.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  fs::create_directory_symlink("/tmp", dir / "out");
  EXPECT_FALSE(WriteFiles({{"out/x", 0644, "x"}}, dir.string()).ok());
  EXPECT_FALSE(WriteFiles({{"../x", 0644, "x"}}, dir.string()).ok());
  fs::remove_all(dir);
}

// ---- ignore rules

TEST(IgnoreRules, GitignoreSubset) {
  auto r = IgnoreRules::Parse("# comment\n*.pyc\n/build\ndata/\n!keep.pyc\ndocs/**/*.tmp\n\\#literal\n");
  EXPECT_TRUE(r.Ignored("x.pyc"));
  EXPECT_TRUE(r.Ignored("deep/in/y.pyc"));
  EXPECT_FALSE(r.Ignored("keep.pyc"));
  EXPECT_TRUE(r.Ignored("build/out.o"));
  EXPECT_FALSE(r.Ignored("src/build/out.o"));  // anchored
  EXPECT_TRUE(r.Ignored("data/a.csv"));
  EXPECT_TRUE(r.Ignored("sub/data/a.csv"));    // unanchored directory
  EXPECT_FALSE(r.Ignored("data"));             // a file named data: dir-only rule
  EXPECT_TRUE(r.Ignored("docs/a/b/c.tmp"));
  EXPECT_TRUE(r.Ignored("docs/c.tmp"));
  EXPECT_FALSE(r.Ignored("docs/c.md"));
  EXPECT_TRUE(r.Ignored("#literal"));
  EXPECT_TRUE(r.Ignored(".git/config"));
  EXPECT_FALSE(r.Ignored("train.py"));
  EXPECT_TRUE(GlobMatch("a/**", "a/b/c"));
  EXPECT_FALSE(GlobMatch("a/*", "a/b/c"));
  EXPECT_TRUE(GlobMatch("?.py", "x.py"));
}

// ---- local trees: plain folders and git repositories made here with libgit2

TEST(LocalTree, PlainDirectoryRespectsMoebiusignore) {
  fs::path dir = TempDir("plain");
  WriteFile(dir / "train.py", "print(1)\n", true);
  WriteFile(dir / "lib/u.py", "U = 1\n");
  WriteFile(dir / "out/model.bin", "junk");
  WriteFile(dir / "x.pyc", "junk");
  WriteFile(dir / ".moebiusignore", "out/\n*.pyc\n");
  fs::create_symlink(dir / "train.py", dir / "link.py");
  auto t = ReadLocalTree(dir.string());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->source, "dir");
  EXPECT_EQ(Paths(t->files), (std::vector<std::string>{".moebiusignore", "lib/u.py", "train.py"}));
  EXPECT_EQ(t->files[2].mode, 0755);
  EXPECT_EQ(t->warnings.size(), 1u);  // the symlink
  fs::remove_all(dir);
}

class GitRepo {
 public:
  explicit GitRepo(const fs::path& dir) : dir_(dir) {
    git_libgit2_init();
    EXPECT_EQ(git_repository_init(&repo_, dir.c_str(), 0), 0);
  }
  ~GitRepo() {
    git_repository_free(repo_);
    git_libgit2_shutdown();
  }
  // Stages every file (as `git add -A` would for these tests) and commits; returns the id.
  std::string CommitAll(const std::vector<std::string>& paths) {
    git_index* index = nullptr;
    EXPECT_EQ(git_repository_index(&index, repo_), 0);
    for (const auto& p : paths) EXPECT_EQ(git_index_add_bypath(index, p.c_str()), 0) << p;
    git_index_write(index);
    git_oid tree_id, commit_id;
    EXPECT_EQ(git_index_write_tree(&tree_id, index), 0);
    git_index_free(index);
    git_tree* tree = nullptr;
    git_tree_lookup(&tree, repo_, &tree_id);
    git_signature* sig = nullptr;
    git_signature_new(&sig, "Test", "test@example.com", 1700000000, 0);
    git_commit* parent = nullptr;
    git_oid head;
    int parents = git_reference_name_to_id(&head, repo_, "HEAD") == 0 && git_commit_lookup(&parent, repo_, &head) == 0 ? 1 : 0;
    const git_commit* ps[] = {parent};
    EXPECT_EQ(git_commit_create(&commit_id, repo_, "HEAD", sig, sig, nullptr, "commit", tree, parents, ps), 0);
    if (parent) git_commit_free(parent);
    git_signature_free(sig);
    git_tree_free(tree);
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &commit_id);
    return hex;
  }

 private:
  fs::path dir_;
  git_repository* repo_ = nullptr;
};

TEST(LocalTree, GitHeadCleanAndDirty) {
  fs::path dir = TempDir("git");
  GitRepo repo(dir);
  WriteFile(dir / "train.py", "print('v1')\n", true);
  WriteFile(dir / "sub/model.py", "M = 1\n");
  WriteFile(dir / ".gitignore", "*.log\n");
  WriteFile(dir / ".moebiusignore", "notes.txt\n");
  WriteFile(dir / "notes.txt", "tracked but not pushed\n");
  std::string commit = repo.CommitAll({"train.py", "sub/model.py", ".gitignore", ".moebiusignore", "notes.txt"});
  WriteFile(dir / "run.log", "ignored by git\n");

  auto clean = ReadLocalTree(dir.string());
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_EQ(clean->source, "git");
  EXPECT_EQ(clean->git_commit, commit);
  EXPECT_FALSE(clean->git_branch.empty());
  EXPECT_FALSE(clean->dirty);
  EXPECT_EQ(Paths(clean->files), (std::vector<std::string>{".gitignore", ".moebiusignore", "sub/model.py", "train.py"}));
  EXPECT_EQ(clean->files[3].mode, 0755);
  EXPECT_EQ(clean->files[3].content, "print('v1')\n");

  // A subdirectory of the repository: its tracked files, relative to it.
  auto sub = ReadLocalTree((dir / "sub").string());
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(Paths(sub->files), (std::vector<std::string>{"model.py"}));
  EXPECT_EQ(sub->git_commit, commit);

  // Uncommitted edits and a new file: the working files, recorded as dirty.
  WriteFile(dir / "train.py", "print('v2')\n", true);
  WriteFile(dir / "new.py", "N = 1\n");
  auto dirty = ReadLocalTree(dir.string());
  ASSERT_TRUE(dirty.ok()) << dirty.status().ToString();
  EXPECT_TRUE(dirty->dirty);
  EXPECT_EQ(dirty->git_commit, commit);
  EXPECT_FALSE(dirty->warnings.empty());
  EXPECT_EQ(Paths(dirty->files), (std::vector<std::string>{".gitignore", ".moebiusignore", "new.py", "sub/model.py", "train.py"}));
  EXPECT_EQ(dirty->files[4].content, "print('v2')\n");
  fs::remove_all(dir);
}

// ---- templates

TEST(CodeTemplates, RenderAndValidate) {
  auto x = RenderCodeTemplate("xgboost", {{"dataset", "iris"}, {"label", "species"}, {"task", "multiclass"}, {"rounds", "20"}});
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  const TreeFile* job = nullptr;
  for (const auto& f : *x)
    if (f.path == "job.json") job = &f;
  ASSERT_NE(job, nullptr);
  Json j = Json::parse(job->content);
  std::vector<std::string> cmd = j["payload"]["command"];
  EXPECT_EQ(cmd[0], "moebius");
  EXPECT_EQ(cmd[3], "--data");
  EXPECT_EQ(cmd[4], "data/iris");
  EXPECT_EQ(cmd[6], "species");
  EXPECT_EQ(cmd[8], "multiclass");
  EXPECT_EQ(Json::parse(cmd[10])["objective"], "multi:softprob");
  EXPECT_EQ(j["payload"]["data"][0]["dataset"], "iris");
  EXPECT_EQ(RenderCodeTemplate("xgboost", {{"task", "clustering"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("xgboost", {{"rounds", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("xgboost", {{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("nope", {}).status().code(), StatusCode::kNotFound);
  auto img = RenderCodeTemplate("image", {{"dataset", "pets"}, {"version", "3"}, {"label", "species"}, {"epochs", "7"}});
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(Paths(*img), (std::vector<std::string>{"README.md", "job.json", "params.json", "train.sh"}));
  Json ij = Json::parse((*img)[1].content);
  std::vector<std::string> icmd = ij["payload"]["command"];
  EXPECT_EQ(std::vector<std::string>(icmd.begin(), icmd.begin() + 7),
            (std::vector<std::string>{"moebius", "train", "image", "--data", "data/pets", "--label-key", "species"}));
  EXPECT_NE(std::find(icmd.begin(), icmd.end(), "--epochs"), icmd.end());
  EXPECT_EQ(*(std::find(icmd.begin(), icmd.end(), "--epochs") + 1), "7");
  EXPECT_EQ(ij["payload"]["data"][0]["version"], 3);
  EXPECT_NE((*img)[3].content.find("train image --data data/pets --label-key species"), std::string::npos) << (*img)[3].content;
  EXPECT_EQ(Json::parse((*img)[2].content)["epochs"], 7);
  EXPECT_EQ(RenderCodeTemplate("image", {{"size", "4"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("image", {{"task", "binary"}}).status().code(), StatusCode::kInvalidArgument);
  auto py = RenderCodeTemplate("python-mlflow", {{"experiment", "demo"}});
  ASSERT_TRUE(py.ok());
  EXPECT_EQ(Paths(*py), (std::vector<std::string>{"README.md", "job.json", "train.py"}));
  EXPECT_NE((*py)[2].content.find("\"demo\""), std::string::npos);
  EXPECT_EQ((*py)[2].content.find("__EXPERIMENT__"), std::string::npos);
}

TEST(CodeTemplates, TextTrainer) {
  auto t = RenderCodeTemplate("text", {{"dataset", "reviews"}, {"version", "3"}, {"text", "review body"}, {"label", "stars"}, {"epochs", "5"}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Paths(*t), (std::vector<std::string>{"README.md", "job.json", "params.json", "train.sh"}));
  Json j = Json::parse((*t)[1].content);
  std::vector<std::string> cmd = j["payload"]["command"];
  ASSERT_GE(cmd.size(), 13u);
  EXPECT_EQ(std::vector<std::string>(cmd.begin(), cmd.begin() + 13),
            (std::vector<std::string>{"moebius", "train", "text", "--data", "data/reviews", "--text", "review body", "--label", "stars",
                                      "--epochs", "5", "--seed", "42"}));
  auto at = [&](const std::string& flag) { return *(std::find(cmd.begin(), cmd.end(), flag) + 1); };
  EXPECT_EQ(at("--minn"), "2");
  EXPECT_EQ(at("--maxn"), "4");
  EXPECT_EQ(at("--word-ngrams"), "2");
  EXPECT_EQ(j["payload"]["data"][0]["version"], 3);
  EXPECT_NE((*t)[3].content.find("train text --data data/reviews --text 'review body' --label stars"), std::string::npos) << (*t)[3].content;
  EXPECT_EQ((*t)[3].mode, 0755);
  EXPECT_EQ(RenderCodeTemplate("text", {{"epochs", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("text", {{"dataset", "a/b"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderCodeTemplate("text", {{"rounds", "3"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::envcode
