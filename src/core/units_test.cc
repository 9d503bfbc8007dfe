#include "core/units.h"

#include <gtest/gtest.h>

namespace deconflict::units {
namespace {

TEST(ParseQuantity, LengthUnits) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("5nm", Dimension::kLength), 5 * 1852.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("5 NM", Dimension::kLength), 5 * 1852.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1000ft", Dimension::kLength), 304.8);
  EXPECT_DOUBLE_EQ(*ParseQuantity("9.26km", Dimension::kLength), 9260.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("120", Dimension::kLength), 120.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("FL350", Dimension::kLength), 35000 * 0.3048);
}

TEST(ParseQuantity, TimeAndSpeedUnits) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("300s", Dimension::kTime), 300.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("5min", Dimension::kTime), 300.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1e3ms", Dimension::kTime), 1.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("360kt", Dimension::kSpeed), 185.2);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1000fpm", Dimension::kVerticalSpeed), 5.08);
}

TEST(ParseQuantity, UnknownUnitIsNamed) {
  auto r = ParseQuantity("5parsec", Dimension::kLength);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("parsec"), std::string::npos);
  EXPECT_NE(r.status().message().find("length"), std::string::npos);
}

TEST(ParseQuantity, RejectsGarbageAndNonFinite) {
  EXPECT_FALSE(ParseQuantity("", Dimension::kLength).ok());
  EXPECT_FALSE(ParseQuantity("nm", Dimension::kLength).ok());
  EXPECT_FALSE(ParseQuantity("nan", Dimension::kLength).ok());
  EXPECT_FALSE(ParseQuantity("inf", Dimension::kTime).ok());
  EXPECT_FALSE(ParseQuantity("5ft", Dimension::kTime).ok());
  EXPECT_FALSE(ParseFiniteNumber("1.5x").ok());
  EXPECT_FALSE(ParseFiniteNumber("1e999").ok());
}

}  // namespace
}  // namespace deconflict::units
