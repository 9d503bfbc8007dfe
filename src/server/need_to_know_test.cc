#include "server/need_to_know.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace deconflict::server::need_to_know {
namespace {

record::Entry MakeEntry(std::string actor, std::vector<std::string> audience, std::string payload) {
  record::Entry e;
  e.seq = 7;
  e.kind = "notice";
  e.actor = std::move(actor);
  e.audience = std::move(audience);
  e.payload = std::move(payload);
  return e;
}

TEST(NeedToKnow, AnEntryIsOneViewWhenItNamesAtMostTwoParties) {
  EXPECT_TRUE(IsOneView("server", {"red"}));
  EXPECT_TRUE(IsOneView("blue", {"red"}));                   // sender and one recipient
  EXPECT_TRUE(IsOneView("server", {"blue", "red"}));         // a delivery shown to the sender
  EXPECT_TRUE(IsOneView("admin", {"red"}));
  EXPECT_FALSE(IsOneView("blue", {"red", "green"}));         // two recipients would see each other
  EXPECT_FALSE(IsOneView("server", {"blue", "red", "green"}));
  EXPECT_EQ(PartiesOf("blue", {"red", "blue", "server"}), (std::vector<std::string>{"blue", "red"}));
}

TEST(NeedToKnow, AGroupEntryIsShownWholeOnlyToItsActor) {
  const auto group = MakeEntry("blue", {"green", "red"}, R"({"event":"notice","event_to":["green","red"],"text":"x"})");
  EXPECT_TRUE(MayShowWhole(group, "blue"));
  EXPECT_FALSE(MayShowWhole(group, "red"));
  EXPECT_FALSE(MayShowWhole(group, "yellow"));
  const auto view = MakeEntry("blue", {"red"}, R"({"event":"notice","event_to":["red"]})");
  EXPECT_TRUE(MayShowWhole(view, "red"));
  EXPECT_FALSE(MayShowWhole(view, "green"));
}

TEST(NeedToKnow, StreamDataOfAGroupEntryIsRedactedToTheParty) {
  const auto group = MakeEntry("server", {"blue", "green", "red"},
                               R"({"event":"zone","event_to":["green","red"],"zone":{"id":"z","owner":"blue","binds":["green","red"]}})");
  const auto red = nlohmann::json::parse(StreamData(group, "red"));
  EXPECT_EQ(red["event_to"], nlohmann::json::array({"red"}));
  EXPECT_FALSE(red["zone"].contains("binds"));
  EXPECT_EQ(red["zone"]["owner"], "blue");
  EXPECT_EQ(StreamData(group, "red").find("green"), std::string::npos);
  const auto view = MakeEntry("server", {"red"}, R"({"event":"zone","event_to":["red"]})");
  EXPECT_EQ(StreamData(view, "red"), view.payload) << "a one-party view is shown as recorded";
}

}  // namespace
}  // namespace deconflict::server::need_to_know
