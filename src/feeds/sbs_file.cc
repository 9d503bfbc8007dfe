#include "feeds/sbs_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace deconflict::feeds {

Status ForEachFileChunk(const std::string& path, const std::function<void(std::string_view)>& sink) {
  // gzread reads plain files transparently.
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return Status::Io(path + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(gz, gzclose);
  gzbuffer(gz, 1 << 17);
  std::vector<char> buffer(1 << 17);
  for (;;) {
    const int n = gzread(gz, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(gz, &code);
      return Status::Io(path + ": read error: " + (code == Z_ERRNO ? std::strerror(errno) : msg));
    }
    if (n == 0) break;
    sink(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  int code = 0;
  const char* msg = gzerror(gz, &code);
  if (code != Z_OK && code != Z_STREAM_END) return Status::Io(path + ": read error: " + msg);
  return Status::Ok();
}

AssemblerCallbacks UpdateCollector::Callbacks() {
  AssemblerCallbacks callbacks;
  callbacks.on_track = [this](const TrackState& s) {
    latest_s_ = std::max(latest_s_, s.time_s);
    if (coalesce_) {
      auto it = last_update_.find(s.id);
      if (it != last_update_.end() && updates_[it->second].time_s == s.time_s) {
        updates_[it->second] = s;
        return;
      }
      last_update_[s.id] = updates_.size();
    }
    updates_.push_back(s);
  };
  callbacks.on_distress = [this](const DistressEvent& e) { distress_.push_back(e); };
  return callbacks;
}

void UpdateCollector::Finish(std::vector<TrackState>* updates, std::vector<DistressEvent>* distress) {
  std::stable_sort(updates_.begin(), updates_.end(),
                   [](const TrackState& a, const TrackState& b) { return a.time_s < b.time_s; });
  *updates = std::move(updates_);
  *distress = std::move(distress_);
  last_update_.clear();
}

Result<SbsFileContents> ReadSbsFile(const std::string& path, const SbsFileOptions& options) {
  SbsFileContents out;
  UpdateCollector collector(options.coalesce);
  AssemblerCallbacks callbacks = collector.Callbacks();

  SbsStreamOptions stream_options;
  stream_options.source = path;
  stream_options.parse = options.parse;
  stream_options.assembler = options.assembler;
  stream_options.bad_lines_logged_per_second = options.strict ? 0 : options.bad_lines_logged_per_second;
  SbsStream stream(stream_options, std::move(callbacks));

  double last_expiry_s = -1e300;
  bool failed = false;
  Status status = ForEachFileChunk(path, [&](std::string_view chunk) {
    if (failed) return;
    stream.FeedBytes(chunk);
    if (options.strict && stream.counters().bad > 0) {
      failed = true;
      return;
    }
    // Stale tracks expire by the file's own clock, checked once per chunk.
    if (collector.latest_s() - last_expiry_s >= 1.0) {
      stream.assembler().ExpireStale(collector.latest_s());
      last_expiry_s = collector.latest_s();
    }
  });
  if (!status.ok()) return status;
  if (!failed) stream.FinishBytes();
  if (stream.counters().bad > 0 && (options.strict || stream.counters().messages == 0)) {
    std::string what = path + ":" + std::to_string(stream.first_bad_line()) + ": bad SBS line: " +
                       stream.first_bad_description();
    if (!options.strict) what += " (no valid SBS message in the file; is it an SBS-1/BaseStation file?)";
    return Status::Invalid(what);
  }
  collector.Finish(&out.updates, &out.distress);
  out.counters = stream.counters();
  return out;
}

}  // namespace deconflict::feeds
