// Model cards (REG-4; docs/design/registry.md): a version's card in the sections of Mitchell et
// al.'s model cards — model details, intended use, factors, metrics, evaluation data, training
// data, quantitative analyses, ethical considerations, caveats and recommendations. Each section
// has two parts: what is generated from live records every time the card is read (the version,
// its signature and lineage, the package's task and criteria result, the run's metrics, its stored
// evaluations with their slices), and text people write, kept with the version. The card renders
// to HTML and PDF through the report's renderers (report_render.h), in Korean or English.
//
// Thread-safety: stateless functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "registry/registry_types.h"
#include "report/report_blocks.h"

namespace moebius::registry {

// The sections, in order: details, intended_use, factors, metrics, evaluation_data, training_data,
// quantitative_analyses, ethical_considerations, caveats_recommendations.
const std::vector<std::string>& CardSectionKeys();

// Written text of one section (at most 20,000 bytes).
struct CardSection {
  std::string key;
  std::string text;
  std::string updated_by;
  int64_t updated_at = 0;
};

struct CardInputs {
  ModelVersion version;
  std::string project;
  std::vector<CardSection> written;
  // The run's stored evaluations (eval/evaluate_detail.h documents, already checked), by name.
  std::vector<std::pair<std::string, Json>> evaluations;
  std::string lang = "en";  // en | ko
  int64_t generated_at = 0;
};

// {"model", "version", "lang", "title", "project", "generated_at",
//  "sections": [{"key", "title", "text", "updated_by", "updated_at", "blocks": [block JSON]}]}
// where a block is {"kind": heading|subheading|para|table|curve|heatmap|bars, "text", "style",
// "head", "rows", ...} as report_blocks.h has it.
Json BuildModelCard(const CardInputs& inputs);

// The card as report blocks: per section its heading, the written text (or a note that none is
// written), then the generated blocks.
std::vector<report::Block> ModelCardBlocks(const Json& card);

}  // namespace moebius::registry
