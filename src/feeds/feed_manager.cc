#include "feeds/feed_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <charconv>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "feeds/udp_receiver.h"

namespace deconflict::feeds {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

double WallNowS() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(std::max(0.0, s)));
}

}  // namespace

class FeedManager::Impl : public std::enable_shared_from_this<Impl> {
 public:
  struct FileEvent {
    double time_s;
    bool distress;  // index into distress, else into updates
    size_t index;
  };

  // A callback to make once mutex_ is released.
  struct Outgoing {
    enum Kind { kTrack, kDistress, kExpired } kind;
    TrackState track;
    DistressEvent distress;
  };

  // Threading: sockets, resolvers, timers and file cursors are touched only on the strand (or after the
  // io thread is joined). mutex_ guards what other threads read: stats, streams/assemblers, outbox_.
  // User callbacks are never called with mutex_ held.
  struct Source {
    size_t index = 0;
    FeedStats stats;
    // TCP feeds.
    FeedEndpoint endpoint;
    std::unique_ptr<SbsStream> stream;
    // ASTERIX UDP feeds (instead of `stream`, resolver and socket).
    std::unique_ptr<AsterixStream> asterix;
    std::shared_ptr<internal::UdpReceiver> udp;
    std::unique_ptr<tcp::resolver> resolver;
    std::unique_ptr<tcp::socket> socket;
    std::unique_ptr<asio::steady_timer> timer;  // retry delay (TCP) or pacing (file)
    std::vector<char> buffer;
    double backoff_s = 0;
    bool attempted = false;
    uint64_t generation = 0;  // bumped per connection, so a late handler of an old one is ignored
    SteadyClock::time_point last_rx;
    double latest_message_s = 0;  // the feed's clock, for expiry with message times
    double wall_at_latest_s = 0;
    // File sources.
    bool is_file = false;
    SbsFileContents file;
    std::vector<FileEvent> events;
    size_t next_event = 0;
    double speed = 1;
    SteadyClock::time_point replay_start;
  };

  Impl(FeedManagerOptions options, FeedCallbacks callbacks)
      : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

  size_t AddFeed(FeedEndpoint endpoint) {
    std::lock_guard lock(mutex_);
    auto s = std::make_unique<Source>();
    s->index = sources_.size();
    if (endpoint.name.empty()) endpoint.name = endpoint.host + ":" + std::to_string(endpoint.port);
    s->stats.name = endpoint.name;
    s->endpoint = std::move(endpoint);
    s->backoff_s = options_.reconnect_initial_s;
    SbsStreamOptions so;
    so.source = s->endpoint.name;
    so.parse = options_.parse;
    so.assembler.party = s->endpoint.party;
    so.assembler.table = s->endpoint.table;
    so.assembler.stale_after_s = options_.stale_after_s;
    so.bad_lines_logged_per_second = options_.bad_lines_logged_per_second;
    Source* raw = s.get();
    AssemblerCallbacks cb;
    // These run inside SbsStream/TrackAssembler under mutex_: they queue, and Deliver() calls the user's
    // callbacks after the lock is released.
    cb.on_track = [this, raw](const TrackState& t) {
      if (t.time_s > raw->latest_message_s) {
        raw->latest_message_s = t.time_s;
        raw->wall_at_latest_s = WallNowS();
      }
      ++raw->stats.updates;
      if (callbacks_.on_track) outbox_.push_back({Outgoing::kTrack, t, {}});
    };
    cb.on_distress = [this, raw](const DistressEvent& e) {
      ++raw->stats.distress_events;
      if (callbacks_.on_distress) outbox_.push_back({Outgoing::kDistress, {}, e});
    };
    cb.on_expired = [this, raw](const TrackState& t) {
      ++raw->stats.expired;
      if (callbacks_.on_expired) outbox_.push_back({Outgoing::kExpired, t, {}});
    };
    if (s->endpoint.protocol == FeedProtocol::kAsterixUdp) {
      AsterixStreamOptions ao;
      ao.source = s->endpoint.name;
      ao.decode.editions = s->endpoint.editions;
      ao.decode.limits = options_.parse;
      ao.assembler = so.assembler;
      ao.source_parties = s->endpoint.sources;
      ao.time = AsterixTimeReference::kArrival;
      ao.bad_logged_per_second = options_.bad_lines_logged_per_second;
      s->asterix = std::make_unique<AsterixStream>(std::move(ao), std::move(cb));
    } else {
      s->stream = std::make_unique<SbsStream>(so, std::move(cb));
    }
    s->buffer.resize(1 << 16);  // a UDP datagram holds at most 65,507 octets
    sources_.push_back(std::move(s));
    return sources_.size() - 1;
  }

  Result<size_t> AddFile(const std::string& path, const SbsFileOptions& options, double speed) {
    auto contents = ReadSbsFile(path, options);
    if (!contents.ok()) return contents.status();
    std::lock_guard lock(mutex_);
    auto s = std::make_unique<Source>();
    s->index = sources_.size();
    s->is_file = true;
    s->speed = speed;
    s->stats.name = "file:" + path;
    s->file = std::move(contents).value();
    s->stats.counters = s->file.counters;
    for (size_t i = 0; i < s->file.updates.size(); ++i) s->events.push_back({s->file.updates[i].time_s, false, i});
    for (size_t i = 0; i < s->file.distress.size(); ++i)
      s->events.push_back({s->file.distress[i].time_s, true, i});
    std::stable_sort(s->events.begin(), s->events.end(),
                     [](const FileEvent& a, const FileEvent& b) { return a.time_s < b.time_s; });
    sources_.push_back(std::move(s));
    return sources_.size() - 1;
  }

  void Start(asio::io_context& io) {
    std::lock_guard lock(mutex_);
    strand_.emplace(asio::make_strand(io));
    for (auto& s : sources_) {
      s->timer = std::make_unique<asio::steady_timer>(*strand_);
      if (s->is_file) {
        asio::post(*strand_, [self = shared_from_this(), src = s.get()] { self->StartFile(src); });
      } else if (s->asterix) {
        StartUdp(s.get());
      } else {
        s->resolver = std::make_unique<tcp::resolver>(*strand_);
        s->socket = std::make_unique<tcp::socket>(*strand_);
        asio::post(*strand_, [self = shared_from_this(), src = s.get()] { self->Connect(src); });
      }
    }
    expire_timer_ = std::make_unique<asio::steady_timer>(*strand_);
    stats_timer_ = std::make_unique<asio::steady_timer>(*strand_);
    asio::post(*strand_, [self = shared_from_this()] {
      self->ArmExpireTimer();
      self->ArmStatsTimer();
    });
  }

  void StartThread() {
    own_io_ = std::make_unique<asio::io_context>();
    work_.emplace(asio::make_work_guard(*own_io_));
    Start(*own_io_);
    thread_ = std::thread([io = own_io_.get()] {
      try {
        io->run();
      } catch (const std::exception& e) {
        spdlog::error("feeds: io thread stopped: {}", e.what());
      }
    });
  }

  void Stop() {
    if (!stopped_.exchange(true)) {
      std::lock_guard lock(mutex_);
      if (strand_) asio::post(*strand_, [self = shared_from_this()] { self->CloseAll(); });
    }
    if (!own_io_) return;
    own_io_->stop();
    if (thread_.get_id() == std::this_thread::get_id()) return;  // from a callback: torn down by the next Stop
    if (thread_.joinable()) thread_.join();
    // The io thread is gone: close and destroy the I/O objects before their io_context, whose destruction
    // frees the pending handlers (and their references to this Impl).
    CloseAll();
    for (auto& src : sources_) {
      src->resolver.reset();
      src->socket.reset();
      src->udp.reset();
      src->timer.reset();
    }
    expire_timer_.reset();
    stats_timer_.reset();
    strand_.reset();
    work_.reset();
    own_io_.reset();
  }

  std::vector<FeedStats> Stats() const {
    std::lock_guard lock(mutex_);
    std::vector<FeedStats> out;
    for (const auto& s : sources_) {
      FeedStats st = s->stats;
      if (s->asterix) {
        st.asterix = s->asterix->counters();
        st.aircraft = s->asterix->aircraft_count();
        st.usable_tracks = s->asterix->usable_count();
      } else if (!s->is_file) {
        st.counters = s->stream->counters();
        st.aircraft = s->stream->assembler().aircraft_count();
        st.usable_tracks = s->stream->assembler().usable_count();
      }
      out.push_back(std::move(st));
    }
    return out;
  }

  std::vector<AircraftInfo> Aircraft(size_t source) const {
    std::lock_guard lock(mutex_);
    if (source >= sources_.size() || sources_[source]->is_file) return {};
    if (sources_[source]->asterix) return sources_[source]->asterix->Snapshot();
    return sources_[source]->stream->assembler().Snapshot();
  }

 private:
  // Calls the user's callbacks queued in outbox_. REQUIRES: on the strand, mutex_ not held.
  void Deliver() {
    std::vector<Outgoing> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(outbox_);
    }
    for (const Outgoing& o : batch) {
      if (stopped_) return;
      switch (o.kind) {
        case Outgoing::kTrack: callbacks_.on_track(o.track); break;
        case Outgoing::kDistress: callbacks_.on_distress(o.distress); break;
        case Outgoing::kExpired: callbacks_.on_expired(o.track); break;
      }
    }
  }

  // --- TCP ---------------------------------------------------------------------------------------
  void Connect(Source* s) {
    if (stopped_) return;
    {
      std::lock_guard lock(mutex_);
      if (s->attempted) ++s->stats.reconnects;
    }
    s->attempted = true;
    s->resolver->async_resolve(
        s->endpoint.host, std::to_string(s->endpoint.port),
        [self = shared_from_this(), s](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          if (self->stopped_) return;
          if (ec) return self->ConnectFailed(s, "resolve: " + ec.message());
          asio::async_connect(*s->socket, results, [self, s](const boost::system::error_code& ec2, const tcp::endpoint&) {
            if (self->stopped_) return;
            if (ec2) return self->ConnectFailed(s, ec2.message());
            {
              std::lock_guard lock(self->mutex_);
              s->stats.connected = true;
              ++s->stats.connects;
            }
            ++s->generation;
            s->backoff_s = self->options_.reconnect_initial_s;
            s->last_rx = SteadyClock::now();
            spdlog::info("feeds: connected to {}", s->stats.name);
            self->Read(s);
          });
        });
  }

  void ConnectFailed(Source* s, const std::string& why) {
    {
      std::lock_guard lock(mutex_);
      ++s->stats.connect_failures;
      s->stats.last_error = why;
    }
    spdlog::warn("feeds: {}: cannot connect ({}); retrying in {:.2f} s", s->stats.name, why, s->backoff_s);
    ScheduleReconnect(s);
  }

  void ScheduleReconnect(Source* s) {
    boost::system::error_code ignored;
    s->socket->close(ignored);
    s->timer->expires_after(Seconds(s->backoff_s));
    s->backoff_s = std::min(s->backoff_s * 2, options_.reconnect_max_s);
    s->timer->async_wait([self = shared_from_this(), s](const boost::system::error_code& ec) {
      if (!ec) self->Connect(s);
    });
  }

  void Read(Source* s) {
    s->socket->async_read_some(
        asio::buffer(s->buffer),
        [self = shared_from_this(), s, generation = s->generation](const boost::system::error_code& ec, size_t n) {
          if (self->stopped_ || generation != s->generation) return;
          if (n > 0) {
            s->last_rx = SteadyClock::now();
            {
              std::lock_guard lock(self->mutex_);
              s->stream->FeedBytes(std::string_view(s->buffer.data(), n), WallNowS());
            }
            self->Deliver();
            if (self->stopped_) return;  // a callback stopped us
          }
          if (ec) return self->Disconnected(s, ec == asio::error::eof ? "closed by peer" : ec.message());
          self->Read(s);
        });
  }

  void Disconnected(Source* s, const std::string& why) {
    {
      std::lock_guard lock(mutex_);
      if (!s->stats.connected) return;
      s->stats.connected = false;
      ++s->stats.disconnects;
      s->stats.last_error = why;
      s->stream->DiscardPartial();
    }
    spdlog::warn("feeds: {}: disconnected ({}); reconnecting in {:.2f} s", s->stats.name, why, s->backoff_s);
    ScheduleReconnect(s);
  }

  // --- UDP (ASTERIX) ------------------------------------------------------------------------------
  // REQUIRES: in Start, mutex_ held. The receiver's callbacks run on the strand.
  void StartUdp(Source* s) {
    internal::UdpReceiver::Callbacks cb;
    cb.on_datagram = [self = shared_from_this(), s](const uint8_t* data, size_t n) {
      if (self->stopped_) return;
      {
        std::lock_guard lock(self->mutex_);
        s->asterix->FeedDatagram(asterix::Bytes(data, n), WallNowS());
      }
      self->Deliver();
    };
    cb.on_state = [self = shared_from_this(), s](bool open, const std::string& error) {
      {
        std::lock_guard lock(self->mutex_);
        if (open) ++s->stats.connects;
        else if (s->stats.connected) ++s->stats.disconnects;
        else ++s->stats.connect_failures;
        s->stats.connected = open;
        if (!open) s->stats.last_error = error;
      }
      if (open) spdlog::info("feeds: receiving ASTERIX on {}", s->stats.name);
      else spdlog::warn("feeds: {}: {}; retrying", s->stats.name, error);
    };
    s->udp = std::make_shared<internal::UdpReceiver>(*strand_, s->endpoint.host, s->endpoint.port,
                                                     s->endpoint.interface_address, options_.reconnect_initial_s,
                                                     options_.reconnect_max_s, std::move(cb));
    asio::post(*strand_, [udp = s->udp] { udp->Start(); });
  }

  // --- files ---------------------------------------------------------------------------------------
  // A file source's contents are immutable after AddFile; its cursor lives on the strand.
  void StartFile(Source* s) {
    if (stopped_) return;
    {
      std::lock_guard lock(mutex_);
      s->stats.connected = true;
    }
    s->replay_start = SteadyClock::now();
    PlayFile(s);
  }

  void PlayFile(Source* s) {
    const double t0 = s->events.empty() ? 0 : s->events.front().time_s;
    size_t budget = 4096;  // events per handler, so that other sources are served in between
    while (s->next_event < s->events.size()) {
      if (stopped_) return;
      const FileEvent& e = s->events[s->next_event];
      if (s->speed > 0) {
        const auto due = s->replay_start + Seconds((e.time_s - t0) / s->speed);
        if (due > SteadyClock::now()) {
          s->timer->expires_at(due);
          break;
        }
      }
      if (budget-- == 0) {
        s->timer->expires_after(SteadyClock::duration::zero());
        break;
      }
      ++s->next_event;
      {
        std::lock_guard lock(mutex_);
        ++(e.distress ? s->stats.distress_events : s->stats.updates);
      }
      if (e.distress) {
        if (callbacks_.on_distress) callbacks_.on_distress(s->file.distress[e.index]);
      } else {
        if (callbacks_.on_track) callbacks_.on_track(s->file.updates[e.index]);
      }
    }
    if (stopped_) return;
    if (s->next_event >= s->events.size()) {
      std::lock_guard lock(mutex_);
      s->stats.connected = false;
      spdlog::info("feeds: {}: replay finished ({} updates)", s->stats.name, s->stats.updates);
      return;
    }
    s->timer->async_wait([self = shared_from_this(), s](const boost::system::error_code& ec) {
      if (!ec && !self->stopped_) self->PlayFile(s);
    });
  }

  // --- timers --------------------------------------------------------------------------------------
  void ArmExpireTimer() {
    expire_timer_->expires_after(Seconds(options_.expire_interval_s));
    expire_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped_) return;
      const double wall = WallNowS();
      const auto steady = SteadyClock::now();
      for (auto& s : self->sources_) {
        if (s->is_file) continue;
        if (s->asterix) {  // connectionless: nothing to time out; times are arrival times
          std::lock_guard lock(self->mutex_);
          s->asterix->ExpireStale(wall);
          continue;
        }
        bool idle;
        {
          std::lock_guard lock(self->mutex_);
          idle = s->stats.connected && steady - s->last_rx > Seconds(self->options_.idle_timeout_s);
          // The feed's clock: wall time for arrival stamps, else the latest message time run on by the wall.
          const double now = self->options_.parse.time_source == SbsTimeSource::kArrival
                                 ? wall
                                 : s->latest_message_s + (wall - s->wall_at_latest_s);
          s->stream->assembler().ExpireStale(now);
        }
        if (idle) self->Disconnected(s.get(), fmt::format("no data for {} s", self->options_.idle_timeout_s));
      }
      self->Deliver();
      if (!self->stopped_) self->ArmExpireTimer();
    });
  }

  void ArmStatsTimer() {
    if (options_.stats_interval_s <= 0 || !callbacks_.on_stats) return;
    stats_timer_->expires_after(Seconds(options_.stats_interval_s));
    stats_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped_) return;
      self->callbacks_.on_stats(self->Stats());
      if (!self->stopped_) self->ArmStatsTimer();
    });
  }

  void CloseAll() {
    boost::system::error_code ignored;
    for (auto& s : sources_) {
      if (s->resolver) s->resolver->cancel();
      if (s->socket) s->socket->close(ignored);
      if (s->udp) s->udp->Close();
      if (s->timer) s->timer->cancel();
      std::lock_guard lock(mutex_);
      s->stats.connected = false;
    }
    if (expire_timer_) expire_timer_->cancel();
    if (stats_timer_) stats_timer_->cancel();
  }

  FeedManagerOptions options_;
  FeedCallbacks callbacks_;
  mutable std::mutex mutex_;
  std::atomic<bool> stopped_{false};
  std::vector<Outgoing> outbox_;  // guarded by mutex_
  std::vector<std::unique_ptr<Source>> sources_;
  std::optional<asio::strand<asio::io_context::executor_type>> strand_;
  std::unique_ptr<asio::steady_timer> expire_timer_;
  std::unique_ptr<asio::steady_timer> stats_timer_;
  std::unique_ptr<asio::io_context> own_io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
};

FeedManager::FeedManager(FeedManagerOptions options, FeedCallbacks callbacks)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(callbacks))) {}
FeedManager::~FeedManager() { Stop(); }
size_t FeedManager::AddFeed(FeedEndpoint endpoint) { return impl_->AddFeed(std::move(endpoint)); }
Result<size_t> FeedManager::AddFile(const std::string& path, const SbsFileOptions& options, double speed) {
  return impl_->AddFile(path, options, speed);
}
void FeedManager::Start(boost::asio::io_context& io) { impl_->Start(io); }
void FeedManager::StartThread() { impl_->StartThread(); }
void FeedManager::Stop() { impl_->Stop(); }
std::vector<FeedStats> FeedManager::Stats() const { return impl_->Stats(); }
std::vector<AircraftInfo> FeedManager::Aircraft(size_t source) const { return impl_->Aircraft(source); }

}  // namespace deconflict::feeds
