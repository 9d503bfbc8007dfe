// Counters, gauges and latency histograms, written in the Prometheus text exposition format (version 0.0.4).
// Safe for concurrent use.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace deconflict::server {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // Lines "name_bucket{le=..} n", "_sum", "_count" with the given label text ("" or "a=\"b\"").
  void Write(const std::string& name, const std::string& labels, std::string* out) const;
  // Approximate quantile from the buckets (upper bound of the bucket holding q).
  double Quantile(double q) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 (the last is +Inf)
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class Metrics {
 public:
  // A counter or gauge by full series name, e.g. "dc_http_requests_total{code=\"200\"}". Created on first use;
  // the returned reference stays valid.
  std::atomic<double>& Series(const std::string& series, const std::string& help = "",
                              const char* type = "counter");
  void Add(const std::string& series, double v = 1) { Series(series).fetch_add(v); }
  void Set(const std::string& series, double v, const std::string& help = "") {
    Series(series, help, "gauge").store(v);
  }
  Histogram& Hist(const std::string& name, const std::string& help, std::vector<double> bounds);

  // Registers a function that refreshes gauges (with Set) just before each Prometheus() rendering, e.g. the
  // size of an in-memory window. It runs on the scraping thread without the registry's lock held.
  void OnScrape(std::function<void(Metrics&)> refresh);

  std::string Prometheus();

 private:
  struct Meta {
    std::string help;
    const char* type;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::atomic<double>>> series_;
  std::map<std::string, Meta> meta_;  // by metric name (series without labels)
  std::map<std::string, std::unique_ptr<Histogram>> hists_;
  std::vector<std::function<void(Metrics&)>> scrape_;  // guarded by mu_
};

// Latency buckets in seconds for HTTP and detection.
std::vector<double> LatencyBuckets();

}  // namespace deconflict::server
