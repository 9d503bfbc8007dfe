// Internal to FeedManager (feed_manager.cc), not a public header: it includes Asio.
//
// Receives the UDP datagrams sent to an address and port: binds it (a unicast or wildcard address), or
// binds the port on the wildcard address and joins the group (a multicast address, default interface).
// After a bind or receive error it closes and retries after a backoff that doubles from `initial_s` to
// `max_s`. Everything runs on the executor given (FeedManager's strand); so do the callbacks.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace deconflict::feeds::internal {

class UdpReceiver : public std::enable_shared_from_this<UdpReceiver> {
 public:
  struct Callbacks {
    std::function<void(const uint8_t* data, size_t size)> on_datagram;
    std::function<void(bool open, const std::string& error)> on_state;  // bound (error ""), or failed
  };

  // `interface_address`: the local IPv4 address whose interface joins a multicast group ("" = default).
  UdpReceiver(boost::asio::any_io_executor executor, std::string address, uint16_t port,
              std::string interface_address, double initial_s, double max_s, Callbacks callbacks);

  void Start();  // REQUIRES: on the executor
  void Close();  // stops receiving and retrying; REQUIRES: on the executor or after it stopped running

 private:
  void Open();
  void Receive();
  void Retry(const std::string& why);

  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::string address_;
  uint16_t port_;
  std::string interface_;
  double initial_s_, max_s_, backoff_s_;
  Callbacks callbacks_;
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(1 << 16);  // a UDP datagram holds at most 65,507 octets
  boost::asio::ip::udp::endpoint sender_;
  bool closed_ = false;
};

}  // namespace deconflict::feeds::internal
