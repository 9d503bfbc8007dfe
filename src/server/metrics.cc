#include "server/metrics.h"

#include <fmt/format.h>

namespace deconflict::server {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1);
  count_.fetch_add(1);
  sum_.fetch_add(v);
}

void Histogram::Write(const std::string& name, const std::string& labels, std::string* out) const {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cum = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cum += counts_[i].load();
    *out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds_[i], cum);
  }
  cum += counts_[bounds_.size()].load();
  *out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cum);
  const std::string l = labels.empty() ? "" : "{" + labels + "}";
  *out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, l, sum_.load(), name, l, count_.load());
}

double Histogram::Quantile(double q) const {
  const uint64_t n = count_.load();
  if (n == 0) return 0;
  const double target = q * static_cast<double>(n);
  uint64_t cum = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cum += counts_[i].load();
    if (static_cast<double>(cum) >= target) return bounds_[i];
  }
  return bounds_.empty() ? 0 : bounds_.back();
}

std::atomic<double>& Metrics::Series(const std::string& series, const std::string& help, const char* type) {
  std::lock_guard lock(mu_);
  auto it = series_.find(series);
  if (it != series_.end()) return *it->second;
  const std::string name = series.substr(0, series.find('{'));
  if (!meta_.count(name)) meta_[name] = Meta{help, type};
  auto& slot = series_[series];
  slot = std::make_unique<std::atomic<double>>(0);
  return *slot;
}

Histogram& Metrics::Hist(const std::string& name, const std::string& help, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& h = hists_[name];
  if (!h) {
    h = std::make_unique<Histogram>(std::move(bounds));
    meta_[name] = Meta{help, "histogram"};
  }
  return *h;
}

void Metrics::OnScrape(std::function<void(Metrics&)> refresh) {
  std::lock_guard lock(mu_);
  scrape_.push_back(std::move(refresh));
}

std::string Metrics::Prometheus() {
  std::vector<std::function<void(Metrics&)>> refresh;
  {
    std::lock_guard lock(mu_);
    refresh = scrape_;
  }
  for (auto& r : refresh) r(*this);
  std::lock_guard lock(mu_);
  std::string out;
  std::string last;
  for (const auto& [series, value] : series_) {
    const std::string name = series.substr(0, series.find('{'));
    if (name != last) {
      const auto& m = meta_.at(name);
      if (!m.help.empty()) out += fmt::format("# HELP {} {}\n", name, m.help);
      out += fmt::format("# TYPE {} {}\n", name, m.type);
      last = name;
    }
    out += fmt::format("{} {}\n", series, value->load());
  }
  for (const auto& [name, h] : hists_) {
    const auto& m = meta_.at(name);
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, m.help, name);
    h->Write(name, "", &out);
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

}  // namespace deconflict::server
