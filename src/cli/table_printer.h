// Aligned text tables for the CLI. Widths count display columns: East Asian wide characters
// (Hangul, CJK) take two, so Korean names line up.
#pragma once

#include <string>
#include <vector>

namespace moebius::cli {

// Display width of UTF-8 text in terminal columns.
size_t DisplayWidth(const std::string& s);

class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> headers, size_t max_cell_width = 48)
      : headers_(std::move(headers)), max_cell_(max_cell_width) {}
  void AddRow(std::vector<std::string> row);
  // Cells wider than the maximum are cut with "…".
  std::string Render() const;
  size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  size_t max_cell_;
};

}  // namespace moebius::cli
