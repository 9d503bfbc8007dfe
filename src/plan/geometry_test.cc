#include "plan/geometry.h"

#include <gtest/gtest.h>

#include <cmath>

namespace deconflict::plan {
namespace {

const GeometryLimits kLimits;

Footprint Poly(std::vector<LatLng> v) {
  auto f = Footprint::Polygon(v, kLimits, "outline_polygon");
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

Footprint Circ(double lat, double lng, double r) {
  auto f = Footprint::MakeCircle({{lat, lng}, r}, kLimits, "outline_circle");
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

// A square of side 2*h degrees centred on (lat, lng).
Footprint Square(double lat, double lng, double h) {
  return Poly({{lat - h, lng - h}, {lat - h, lng + h}, {lat + h, lng + h}, {lat + h, lng - h}});
}

TEST(Footprint, OrientationDoesNotMatter) {
  Footprint ccw = Poly({{0, 0}, {0, 0.01}, {0.01, 0.01}, {0.01, 0}});
  Footprint cw = Poly({{0, 0}, {0.01, 0}, {0.01, 0.01}, {0, 0.01}});
  EXPECT_NEAR(ccw.area_m2(), cw.area_m2(), 1e-6);
  EXPECT_NEAR(ccw.area_m2(), 1.2364e6, 0.01e6);  // ~1.112 km x 1.112 km
  EXPECT_TRUE(cw.Contains(ToPoint({0.005, 0.005})));
  EXPECT_FALSE(cw.Contains(ToPoint({0.02, 0.005})));
}

TEST(Footprint, ClosingVertexIsAccepted) {
  Footprint f = Poly({{0, 0}, {0, 0.01}, {0.01, 0.01}, {0, 0}});
  EXPECT_EQ(f.vertices().size(), 3u);
}

// The F3548 "tiny overlap": two triangles whose apexes overlap by 1e-7 deg (1.1 cm) conflict; the
// same triangles 1.1 cm apart do not.
TEST(Overlap, OneCentimetreOverlapCountsAndOneCentimetreGapDoesNot) {
  Footprint down = Poly({{0, 0}, {0.00042, -0.0003}, {0.00042, 0.0003}});
  Footprint up_overlap = Poly({{0.0000001, 0}, {-0.00042, -0.0003}, {-0.00042, 0.0003}});
  Footprint up_gap = Poly({{-0.0000001, 0}, {-0.00042, -0.0003}, {-0.00042, 0.0003}});
  EXPECT_TRUE(Overlaps(down, up_overlap));
  EXPECT_TRUE(Overlaps(up_overlap, down));
  EXPECT_FALSE(Overlaps(down, up_gap));
  // ... but the 1.1 cm gap is within a 2 cm buffer and not within a 1 cm buffer.
  EXPECT_TRUE(WithinDistance(down, up_gap, 0.02));
  EXPECT_FALSE(WithinDistance(down, up_gap, 0.01));
}

TEST(Overlap, ContainmentWithoutCrossingEdges) {
  Footprint big = Square(10, 10, 0.1);
  Footprint small = Square(10, 10, 0.01);
  EXPECT_TRUE(Overlaps(big, small));
  EXPECT_TRUE(Overlaps(small, big));
}

TEST(Overlap, AcrossTheAntimeridian) {
  // A square straddling 180 deg and one entirely at -179.99: they overlap; one at +179.8 does not.
  Footprint straddle = Poly({{-0.05, 179.95}, {-0.05, -179.95}, {0.05, -179.95}, {0.05, 179.95}});
  EXPECT_LT(straddle.area_m2(), 2e8);  // the small square, not the rest of the Earth
  EXPECT_TRUE(straddle.Contains(ToPoint({0, 180})));
  EXPECT_TRUE(straddle.Contains(ToPoint({0, -179.99})));
  EXPECT_TRUE(Overlaps(straddle, Square(0, -179.99, 0.005)));
  EXPECT_FALSE(Overlaps(straddle, Square(0, 179.8, 0.05)));
  EXPECT_TRUE(Overlaps(straddle, Circ(0, -179.949, 200)));   // centre 111 m east of the east edge
  EXPECT_FALSE(Overlaps(straddle, Circ(0, -179.949, 100)));
}

TEST(Overlap, AroundAPole) {
  // A ring of vertices around the north pole: the polygon contains the pole.
  std::vector<LatLng> ring;
  for (int i = 0; i < 8; ++i) ring.push_back({89.9, -180.0 + 45.0 * i});
  Footprint cap = Poly(ring);
  EXPECT_TRUE(cap.Contains(ToPoint({90, 0})));
  EXPECT_TRUE(Overlaps(cap, Circ(90, 0, 10)));
  EXPECT_TRUE(Overlaps(cap, Circ(89.95, 123, 10)));
  EXPECT_FALSE(Overlaps(cap, Circ(89.8, 0, 1000)));  // ~11 km south of the ring, radius 1 km
}

TEST(Overlap, OnTheEquatorAcrossTheMeridian) {
  Footprint a = Square(0, 0, 0.001);
  EXPECT_TRUE(Overlaps(a, Square(0.0015, 0.0015, 0.001)));
  EXPECT_FALSE(Overlaps(a, Square(0, 0.0025, 0.0004)));
}

TEST(Circle, IsExactNotAnInscribedPolygon) {
  // A point 999 m from the centre lies inside a 1000 m circle even between any polygon vertices.
  Footprint c = Circ(45, 7, 1000);
  for (int bearing = 0; bearing < 360; bearing += 7) {
    const double d = 999.0 / kMeanEarthRadiusM;
    const double b = bearing * M_PI / 180;
    // Small-distance offset in degrees (good to 1e-6 relative at 1 km).
    LatLng p{45 + d * std::cos(b) * 180 / M_PI, 7 + d * std::sin(b) * 180 / M_PI / std::cos(45 * M_PI / 180)};
    EXPECT_TRUE(c.Contains(ToPoint(p))) << bearing;
  }
  EXPECT_FALSE(c.Contains(ToPoint({45 + 1100.0 / kMeanEarthRadiusM * 180 / M_PI, 7})));
}

TEST(Circle, CircleCircleAndCirclePolygonDistances) {
  // Centres 0.02 deg apart at the equator (2224 m): two 1000 m circles do not touch (gap ~224 m, less
  // the 0.7% conservative margin), but do within a 300 m buffer.
  Footprint a = Circ(0, 0, 1000), b = Circ(0, 0.02, 1000);
  EXPECT_FALSE(Overlaps(a, b));
  EXPECT_TRUE(WithinDistance(a, b, 300));
  EXPECT_FALSE(WithinDistance(a, b, 150));
  Footprint sq = Square(0, 0.02, 0.001);  // west edge at 0.019 deg = 2113 m from a's centre
  EXPECT_FALSE(Overlaps(a, sq));
  EXPECT_TRUE(WithinDistance(a, sq, 1150));
  EXPECT_FALSE(WithinDistance(a, sq, 1050));
  EXPECT_TRUE(Overlaps(Circ(0, 0.02, 10), sq));  // circle inside the square
}

TEST(Buffer, PolygonPolygonBufferIsDistance) {
  Footprint a = Square(0, 0, 0.001);
  Footprint b = Square(0, 0.003, 0.001);  // gap of 0.001 deg = 111.2 m
  EXPECT_FALSE(Overlaps(a, b));
  EXPECT_FALSE(WithinDistance(a, b, 100));
  EXPECT_TRUE(WithinDistance(a, b, 115));
  EXPECT_NEAR(DistanceToM(a, ToPoint({0, 0.002})), 111.2, 0.5);
  EXPECT_EQ(DistanceToM(a, ToPoint({0, 0})), 0);
}

TEST(Validation, BadPolygonsNameTheField) {
  auto few = Footprint::Polygon({{0, 0}, {0, 1}}, kLimits, "volumes[0].outline_polygon");
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("volumes[0].outline_polygon.vertices"), std::string::npos);
  auto bowtie = Footprint::Polygon({{0, 0}, {0.01, 0.01}, {0, 0.01}, {0.01, 0}}, kLimits, "p");
  ASSERT_FALSE(bowtie.ok());
  EXPECT_NE(bowtie.status().message().find("self-intersecting"), std::string::npos) << bowtie.status().message();
  auto lat = Footprint::Polygon({{0, 0}, {91, 0}, {0, 1}}, kLimits, "p");
  ASSERT_FALSE(lat.ok());
  EXPECT_NE(lat.status().message().find("p.vertices[1].lat = 91"), std::string::npos) << lat.status().message();
  auto lng = Footprint::Polygon({{0, 0}, {1, 0}, {0, 181}}, kLimits, "p");
  ASSERT_FALSE(lng.ok());
  EXPECT_NE(lng.status().message().find("p.vertices[2].lng"), std::string::npos);
  auto nan = Footprint::Polygon({{0, 0}, {NAN, 0}, {0, 1}}, kLimits, "p");
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("p.vertices[1].lat is not a finite number"), std::string::npos);
  auto dup = Footprint::Polygon({{0, 0}, {0, 1}, {0, 1}, {1, 1}}, kLimits, "p");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("repeats"), std::string::npos);
  GeometryLimits small;
  small.max_vertices = 4;
  auto many = Footprint::Polygon({{0, 0}, {0, 1}, {0.5, 1.5}, {1, 1}, {1, 0}}, small, "p");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("5 vertices exceed the limit of 4"), std::string::npos);
  auto huge = Footprint::Polygon({{0, 0}, {0, 1}, {1, 1}, {1, 0}}, kLimits, "p");  // ~12,300 km^2
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("exceeds the limit of 2500.0 km^2"), std::string::npos)
      << huge.status().message();
  auto big_circle = Footprint::MakeCircle({{0, 0}, 50000}, kLimits, "c");
  ASSERT_FALSE(big_circle.ok());
  EXPECT_NE(big_circle.status().message().find("c.radius"), std::string::npos);
  auto zero_circle = Footprint::MakeCircle({{0, 0}, 0}, kLimits, "c");
  ASSERT_FALSE(zero_circle.ok());
}

TEST(Display, CircumscribedCircleOutlineContainsTheCap) {
  Footprint c = Circ(10, 20, 500);
  auto ring = DisplayOutline(c, 12);
  ASSERT_EQ(ring.size(), 12u);
  auto poly = Footprint::Polygon(ring, kLimits, "display");
  ASSERT_TRUE(poly.ok());
  EXPECT_GE(poly->area_m2(), c.area_m2());
}

TEST(Display, OverlapOutlineIsTheIntersection) {
  Footprint a = Square(0, 0, 0.001), b = Square(0.001, 0.001, 0.001);
  auto rings = OverlapOutline(a, b);
  ASSERT_EQ(rings.size(), 1u);
  auto inter = Footprint::Polygon(rings[0], kLimits, "overlap");
  ASSERT_TRUE(inter.ok());
  EXPECT_NEAR(inter->area_m2(), a.area_m2() / 4, a.area_m2() * 0.01);
  EXPECT_TRUE(OverlapOutline(a, Square(0, 0.01, 0.001)).empty());
}

}  // namespace
}  // namespace deconflict::plan
