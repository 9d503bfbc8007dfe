#include "feeds/udp_receiver.h"

#include <boost/asio/ip/multicast.hpp>
#include <chrono>

namespace deconflict::feeds::internal {

namespace asio = boost::asio;
using udp = asio::ip::udp;

UdpReceiver::UdpReceiver(asio::any_io_executor executor, std::string address, uint16_t port,
                         std::string interface_address, double initial_s, double max_s, Callbacks callbacks)
    : socket_(executor),
      timer_(executor),
      address_(std::move(address)),
      port_(port),
      interface_(std::move(interface_address)),
      initial_s_(initial_s),
      max_s_(max_s),
      backoff_s_(initial_s),
      callbacks_(std::move(callbacks)) {}

void UdpReceiver::Start() { Open(); }

void UdpReceiver::Close() {
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

void UdpReceiver::Open() {
  if (closed_) return;
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(address_, ec);
  if (ec) return Retry("\"" + address_ + "\" is not an IP address");
  const bool multicast = address.is_multicast();
  const asio::ip::address local = !multicast        ? address
                                  : address.is_v6() ? asio::ip::address(asio::ip::address_v6::any())
                                                    : asio::ip::address(asio::ip::address_v4::any());
  const udp::endpoint bind_to(local, port_);
  socket_.open(bind_to.protocol(), ec);
  if (!ec) socket_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) socket_.bind(bind_to, ec);
  if (!ec && multicast && address.is_v4() && !interface_.empty()) {
    const auto iface = asio::ip::make_address_v4(interface_, ec);
    if (!ec) socket_.set_option(asio::ip::multicast::join_group(address.to_v4(), iface), ec);
  } else if (!ec && multicast) {
    socket_.set_option(asio::ip::multicast::join_group(address), ec);
  }
  if (ec) return Retry("bind: " + ec.message());
  boost::system::error_code ignored;  // a large kernel buffer absorbs bursts (10,000 tracks in a second)
  socket_.set_option(asio::socket_base::receive_buffer_size(1 << 22), ignored);
  backoff_s_ = initial_s_;
  callbacks_.on_state(true, "");
  Receive();
}

void UdpReceiver::Receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                               if (self->closed_ || ec == asio::error::operation_aborted) return;
                               if (ec) return self->Retry("receive: " + ec.message());
                               self->callbacks_.on_datagram(self->buffer_.data(), n);
                               if (!self->closed_) self->Receive();
                             });
}

void UdpReceiver::Retry(const std::string& why) {
  boost::system::error_code ignored;
  socket_.close(ignored);
  callbacks_.on_state(false, why);
  if (closed_) return;
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(backoff_s_)));
  backoff_s_ = std::min(backoff_s_ * 2, max_s_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->Open();
  });
}

}  // namespace deconflict::feeds::internal
