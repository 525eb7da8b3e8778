#include "pipeline/dag.h"

#include <map>

namespace moebius::pipeline {

Result<std::vector<std::string>> TopologicalOrder(const std::vector<std::string>& nodes,
                                                  const std::vector<std::vector<std::string>>& deps) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!index.emplace(nodes[i], i).second) return InvalidArgument("duplicate step name '" + nodes[i] + "'");
  std::vector<std::vector<size_t>> dep_ix(nodes.size());
  std::vector<int> missing(nodes.size(), 0);
  std::vector<std::vector<size_t>> dependents(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& d : i < deps.size() ? deps[i] : std::vector<std::string>{}) {
      auto it = index.find(d);
      if (it == index.end()) return InvalidArgument("step '" + nodes[i] + "' depends on unknown step '" + d + "'");
      if (it->second == i) return InvalidArgument("the steps form a cycle: " + nodes[i] + " -> " + nodes[i]);
      dep_ix[i].push_back(it->second);
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i)
    for (size_t d : dep_ix[i]) {
      ++missing[i];
      dependents[d].push_back(i);
    }
  std::vector<bool> done(nodes.size(), false);
  std::vector<std::string> order;
  // O(n^2) in the worst case, fine for pipelines (hundreds of steps at most) and stable.
  while (order.size() < nodes.size()) {
    size_t pick = nodes.size();
    for (size_t i = 0; i < nodes.size(); ++i)
      if (!done[i] && missing[i] == 0) {
        pick = i;
        break;
      }
    if (pick == nodes.size()) {
      // Walk back along unfinished dependencies until a node repeats: that is a cycle.
      size_t start = 0;
      while (done[start]) ++start;
      std::vector<size_t> path;
      std::vector<int> pos(nodes.size(), -1);
      size_t cur = start;
      while (pos[cur] < 0) {
        pos[cur] = static_cast<int>(path.size());
        path.push_back(cur);
        for (size_t d : dep_ix[cur])
          if (!done[d]) {
            cur = d;
            break;
          }
      }
      // path[pos[cur]..] is the cycle, each depending on the next; print it in run order.
      std::string text;
      for (size_t k = path.size(); k-- > static_cast<size_t>(pos[cur]);) text += nodes[path[k]] + " -> ";
      text += nodes[path.back()];
      return InvalidArgument("the steps form a cycle: " + text);
    }
    done[pick] = true;
    order.push_back(nodes[pick]);
    for (size_t d : dependents[pick]) --missing[d];
  }
  return order;
}

}  // namespace moebius::pipeline
