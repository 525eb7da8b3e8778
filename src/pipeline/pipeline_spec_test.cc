#include "pipeline/pipeline_spec.h"

#include <gtest/gtest.h>

#include "pipeline/component_spec.h"

namespace moebius::pipeline {
namespace {

Json Prep() {
  return Json::parse(R"JSON({"name": "prep", "kind": "preprocess",
    "command": ["python3", "-c", "import sys; print({'rows': 1})", "{rows}", "{outputs.table}"],
    "parameters": [{"name": "rows", "type": "int", "default": 10}, {"name": "tag", "type": "string"}],
    "outputs": [{"name": "table"}]})JSON");
}
Json Train() {
  return Json::parse(R"JSON({"name": "train", "kind": "train",
    "command": ["python3", "train.py", "--lr={lr}", "{inputs.table}", "{outputs.model}"],
    "parameters": [{"name": "lr", "type": "float", "default": 0.1}],
    "inputs": [{"name": "table"}], "outputs": [{"name": "model", "type": "dir"}]})JSON");
}

std::string Error(const Result<Json>& r) { return r.ok() ? "ok" : r.status().message(); }

TEST(Component, NormalizesAndHashesStably) {
  auto c = NormalizeComponent(Prep());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)["outputs"][0]["type"], "file");
  EXPECT_EQ((*c)["resources"]["memory_mb"], 512);
  EXPECT_EQ((*c)["max_attempts"], 1);
  auto again = NormalizeComponent(*c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DefinitionHash(*c), DefinitionHash(*again));
  Json changed = Prep();
  changed["parameters"][0]["default"] = 11;
  EXPECT_NE(DefinitionHash(*c), DefinitionHash(*NormalizeComponent(changed)));
}

TEST(Component, RefusesBadDefinitionsWithTheReason) {
  Json j = Prep();
  j["command"].push_back("{nope}");
  EXPECT_NE(Error(NormalizeComponent(j)).find("unknown placeholder {nope}"), std::string::npos);
  j = Prep();
  j["command"].push_back("{inputs.table}");
  EXPECT_NE(Error(NormalizeComponent(j)).find("unknown placeholder {inputs.table}"), std::string::npos);
  j = Prep();
  j["parameters"].push_back({{"name", "rows"}, {"type", "int"}});
  EXPECT_EQ(Error(NormalizeComponent(j)), "parameters: duplicate name 'rows'");
  j = Prep();
  j["parameters"][0]["default"] = "ten";
  EXPECT_EQ(Error(NormalizeComponent(j)), "parameter 'rows' default must be an integer, got \"ten\"");
  j = Prep();
  j["parameters"][0]["type"] = "tensor";
  EXPECT_NE(Error(NormalizeComponent(j)).find("type must be one of int, float, string, bool"), std::string::npos);
  j = Prep();
  j["kind"] = "deploy";
  EXPECT_NE(Error(NormalizeComponent(j)).find("kind 'deploy' must be one of"), std::string::npos);
  j = Prep();
  j["outputs"].push_back({{"name", "table"}});
  EXPECT_EQ(Error(NormalizeComponent(j)), "outputs: duplicate name 'table'");
  j = Prep();
  j["command"] = Json::array();
  EXPECT_NE(Error(NormalizeComponent(j)).find("non-empty list"), std::string::npos);
}

TEST(Component, TemplatesExpandWithEscapes) {
  auto parts = ParseTemplate("a{{b}}{x}{'k': 1}{inputs.t}");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].text, "a{b}");
  EXPECT_TRUE(parts[1].placeholder);
  EXPECT_EQ(parts[2].text, "{'k': 1}");
  EXPECT_EQ(parts[3].text, "inputs.t");
  auto c = NormalizeComponent(Train());
  ASSERT_TRUE(c.ok());
  auto argv = ExpandCommand(*c, Json{{"lr", 0.5}});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(*argv, (std::vector<std::string>{"python3", "train.py", "--lr=0.5", "inputs/table", "outputs/model"}));
}

struct Fixture {
  std::map<std::string, Definition> comps;
  Fixture() {
    for (Json j : {Prep(), Train()}) {
      Definition d;
      d.name = j["name"];
      d.version = 1;
      d.definition = *NormalizeComponent(j);
      d.hash = DefinitionHash(d.definition);
      comps[d.name] = d;
    }
  }
  ComponentLookup Lookup() {
    return [this](const std::string& n, std::optional<int64_t> v) -> Result<Definition> {
      auto it = comps.find(n);
      if (it == comps.end() || (v && *v != 1)) return NotFound("no " + n);
      return it->second;
    };
  }
};

Json Pipe() {
  return Json::parse(R"JSON({"name": "p", "parameters": [{"name": "lr", "type": "float", "default": 0.2}, {"name": "who", "type": "string"}],
    "steps": [
      {"name": "train", "component": "train@1", "params": {"lr": "{{pipeline.params.lr}}"}, "inputs": {"table": "prep.outputs.table"}},
      {"name": "prep", "component": "prep", "params": {"tag": "run-{{pipeline.params.who}}", "rows": 5}}]})JSON");
}

TEST(Pipeline, ValidatesAndOrdersSteps) {
  Fixture f;
  auto p = NormalizePipeline(Pipe(), f.Lookup());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)["steps"][0]["name"], "prep");
  EXPECT_EQ((*p)["steps"][1]["name"], "train");
  EXPECT_EQ((*p)["steps"][1]["after"], Json::array({"prep"}));
  EXPECT_EQ((*p)["steps"][1]["version"], 1);
  EXPECT_TRUE((*p)["steps"][0]["version"].is_null());
  auto params = ResolvePipelineParams(*p, Json{{"who", "kim"}});
  ASSERT_TRUE(params.ok());
  EXPECT_EQ((*params)["lr"], 0.2);
  auto sp = ResolveStepParams((*p)["steps"][0], f.comps["prep"].definition, *params);
  ASSERT_TRUE(sp.ok()) << sp.status().ToString();
  EXPECT_EQ(*sp, (Json{{"rows", 5}, {"tag", "run-kim"}}));
  EXPECT_EQ(Error(ResolvePipelineParams(*p, Json::object())), "pipeline parameter 'who' is required");
  EXPECT_EQ(Error(ResolvePipelineParams(*p, Json{{"who", "a"}, {"x", 1}})), "unknown pipeline parameter 'x'");
  EXPECT_EQ(Error(ResolvePipelineParams(*p, Json{{"who", "a"}, {"lr", "high"}})), "pipeline parameter 'lr' must be a number, got \"high\"");
}

TEST(Pipeline, RefusesBadDefinitionsWithTheReason) {
  Fixture f;
  Json j = Pipe();
  j["steps"][0]["inputs"]["table"] = "nowhere.outputs.table";
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'train': input 'table': unknown step 'nowhere'");
  j = Pipe();
  j["steps"][0]["inputs"]["table"] = "prep.outputs.nothing";
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup())).find("has no output 'nothing'"), std::string::npos);
  j = Pipe();
  j["steps"][0]["inputs"] = Json::object();
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'train': required input 'table' of component 'train' is not wired");
  j = Pipe();
  j["steps"][0]["component"] = "ghost";
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'train': unknown component 'ghost'");
  j = Pipe();
  j["steps"][1]["params"].erase("tag");
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'prep': required parameter 'tag' of component 'prep' is not bound");
  j = Pipe();
  j["steps"][0]["params"]["lr"] = "{{pipeline.params.nope}}";
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'train': parameter 'lr': unknown pipeline parameter 'nope'");
  j = Pipe();
  j["steps"][1]["params"]["rows"] = "{{pipeline.params.who}}";
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "step 'prep': parameter 'rows' is int but pipeline parameter 'who' is string");
  j = Pipe();
  j["steps"][1]["after"] = {"train"};
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "the steps form a cycle: prep -> train -> prep");
  j = Pipe();
  j["steps"][1]["name"] = "train";
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup())), "duplicate step name 'train'");
}

Json Count() {
  return Json::parse(R"JSON({"name": "count", "command": ["python3", "count.py", "{inputs.rows}", "{inputs.extra}"],
    "inputs": [{"name": "rows", "type": "dir"}, {"name": "extra", "type": "file", "optional": true}], "outputs": [{"name": "n"}]})JSON");
}

// Data versions "points" v1 and v2 exist.
DataVersionLookup Points() {
  return [](const std::string& dataset, int64_t number) -> Result<Json> {
    if (dataset != "points") return NotFound("dataset '" + dataset + "' not found");
    if (number < 1 || number > 2) return NotFound("version v" + std::to_string(number) + " not found");
    return Json{{"dataset_id", 7}, {"version_id", 70 + number}, {"number", number}};
  };
}

TEST(Pipeline, DataVersionInputsAreCheckedAndKept) {
  Fixture f;
  Definition d;
  d.name = "count";
  d.version = 1;
  d.definition = *NormalizeComponent(Count());
  d.hash = DefinitionHash(d.definition);
  f.comps["count"] = d;
  Json j = Json::parse(R"JSON({"name": "c", "steps": [{"name": "count", "component": "count",
    "inputs": {"rows": {"dataset": "points", "version": 2}}}]})JSON");
  auto p = NormalizePipeline(j, f.Lookup(), Points());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)["steps"][0]["inputs"]["rows"], (Json{{"dataset", "points"}, {"version", 2}}));
  EXPECT_EQ((*p)["steps"][0]["after"], Json::array());  // a data version is no dependency

  j["steps"][0]["inputs"]["rows"]["version"] = 3;
  EXPECT_EQ(Error(NormalizePipeline(j, f.Lookup(), Points())),
            "step 'count': input 'rows': data version points@v3 does not exist in the project (version v3 not found)");
  j["steps"][0]["inputs"]["rows"] = Json{{"dataset", "lines"}, {"version", 1}};
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup(), Points())).find("step 'count': input 'rows': data version lines@v1 does not exist"),
            std::string::npos);
  j["steps"][0]["inputs"]["rows"] = Json{{"dataset", "points"}, {"version", "v1"}};
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup(), Points())).find("version must be a positive integer"), std::string::npos);
  j["steps"][0]["inputs"]["rows"] = Json{{"dataset", "points"}, {"version", 1}, {"path", "x"}};
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup(), Points())).find("unknown field 'path'"), std::string::npos);
  // A data version is a folder: a file input cannot take it.
  j["steps"][0]["inputs"] = Json{{"rows", {{"dataset", "points"}, {"version", 1}}}, {"extra", {{"dataset", "points"}, {"version", 1}}}};
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup(), Points())).find("input 'extra' is a file but a data version is a folder"),
            std::string::npos);
  // Without a way to check data versions, they are refused.
  j["steps"][0]["inputs"] = Json{{"rows", {{"dataset", "points"}, {"version", 1}}}};
  EXPECT_NE(Error(NormalizePipeline(j, f.Lookup())).find("cannot be checked"), std::string::npos);
}

TEST(Pipeline, CacheKeyCoversEveryIngredient) {
  Json params{{"lr", 0.1}}, inputs{{"table", "aa"}};
  std::string k = CacheKey("h1", params, inputs, "", "");
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k, CacheKey("h1", Json{{"lr", 0.1}}, Json{{"table", "aa"}}, "", ""));
  EXPECT_NE(k, CacheKey("h2", params, inputs, "", ""));
  EXPECT_NE(k, CacheKey("h1", Json{{"lr", 0.2}}, inputs, "", ""));
  EXPECT_NE(k, CacheKey("h1", params, Json{{"table", "ab"}}, "", ""));
  EXPECT_NE(k, CacheKey("h1", params, inputs, "py311", ""));
  EXPECT_NE(k, CacheKey("h1", params, inputs, "", "code1"));
}

}  // namespace
}  // namespace moebius::pipeline
