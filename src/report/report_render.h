// Renderers of the experiment report (report_blocks.h) and the font the PDF needs.
//
// HTML: one self-contained page (inline CSS, curves and heat map as inline SVG, no scripts, no
// external requests); every text is HTML-escaped. Sections carry ids (`sec-overview`, ...).
// PDF: A4 portrait, flowing layout with page breaks, text in the embedded Korean TrueType font,
// curves as vector paths, heat map cells as filled rectangles (pdf_writer.h).
#pragma once

#include <memory>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "report/report_blocks.h"
#include "report/ttf_font.h"

namespace moebius::report {

std::string RenderHtml(const Json& model);
Result<std::string> RenderPdf(const Json& model, const TrueTypeFont& font);

// Any document made of blocks (the report's, a model card's): `subject` follows the title in the
// HTML <title> and the PDF's title; `subtitle` is the PDF's line under the title.
std::string RenderBlocksHtml(const std::string& lang, const std::string& title, const std::string& subject, const std::vector<Block>& blocks);
Result<std::string> RenderBlocksPdf(const std::string& title, const std::string& subject, const std::string& subtitle,
                                    const std::vector<Block>& blocks, const TrueTypeFont& font);

// The report font: $MOEBIUS_REPORT_FONT when set, else the first TrueType font with Hangul
// found at the known Debian paths (fonts-nanum: NanumGothic.ttf, then NanumBarunGothic.ttf).
// Loaded once and kept. kUnavailable "font not installed: ..." when none is found.
Result<std::shared_ptr<const TrueTypeFont>> ReportFont();

}  // namespace moebius::report
