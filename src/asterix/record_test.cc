// Blocks, FSPEC and the length rules of items, on records written by hand octet by octet from the
// specifications' layouts (not by our encoder), and the encoder's own octets for known values.
#include "asterix/record.h"

#include <gtest/gtest.h>

#include <cmath>

#include "asterix/encode.h"

namespace deconflict::asterix {
namespace {

Bytes B(const std::vector<uint8_t>& v) { return Bytes(v.data(), v.size()); }

TEST(AsterixBlock, ReadsCategoryAndLengthAndRefusesShortOrInconsistentOnes) {
  const std::vector<uint8_t> block = {62, 0x00, 0x05, 0x80, 0x01};
  Block b;
  BadReason why{};
  ASSERT_TRUE(ReadBlock(B(block), &b, &why));
  EXPECT_EQ(b.category, 62);
  EXPECT_EQ(b.size, 5u);
  EXPECT_EQ(b.records.size(), 2u);
  EXPECT_FALSE(ReadBlock(B({62, 0x00}), &b, &why));
  EXPECT_EQ(why, BadReason::kTruncatedBlock);
  EXPECT_FALSE(ReadBlock(B({62, 0x00, 0x02}), &b, &why));
  EXPECT_EQ(why, BadReason::kBadBlockLength);
  EXPECT_FALSE(ReadBlock(B({62, 0x00, 0x09, 0x80}), &b, &why));
  EXPECT_EQ(why, BadReason::kTruncatedBlock);
}

TEST(AsterixRecord, EveryLengthRuleIsFollowedToFindTheNextItem) {
  // CAT062 1.18: FRN 1 I062/010 (fixed 2), FRN 11 I062/380 (compound: ADR fixed 3 + TID repetitive 15),
  // FRN 13 I062/080 (extended, 3 parts), FRN 34 RE (explicit, 3 octets).
  const std::vector<uint8_t> rec = {
      0x81, 0x15, 0x01, 0x01, 0x04,  // FSPEC: FRN 1 | FRN 11, 13 | - | - | FRN 34
      25, 100,                       // I062/010
      0x81, 0x40, 0x4C, 0xA7, 0xA8,  // I062/380 primary: ADR, FX; TID (bit 7 of octet 2); ADR
      0x02, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,  // TID: REP 2 x 15
      0x01, 0x41, 0x00,              // I062/080: 3 parts (TSE set)
      0x03, 0xAA, 0xBB,              // RE: LEN 3
  };
  Record r;
  RecordError e;
  ASSERT_TRUE(ReadRecord(UapOf(Edition::kCat062v1_18), B(rec), &r, &e)) << DescribeError(e);
  EXPECT_EQ(r.size, rec.size());
  EXPECT_EQ(r.item(1).size(), 2u);
  EXPECT_EQ(r.item(11).size(), 2u + 3 + 1 + 30);
  EXPECT_EQ(r.item(13).size(), 3u);
  EXPECT_EQ(r.item(34).size(), 3u);
  const Bytes adr = CompoundSubfield(ItemAt(UapOf(Edition::kCat062v1_18), 11), r.item(11), 0);
  ASSERT_EQ(adr.size(), 3u);
  EXPECT_EQ(ReadUnsigned(adr.data(), 3), 0x4CA7A8u);
  EXPECT_TRUE(CompoundSubfield(ItemAt(UapOf(Edition::kCat062v1_18), 11), r.item(11), 1).empty());  // ID absent
}

TEST(AsterixRecord, RefusalsNameTheReasonAndTheItem) {
  Record r;
  RecordError e;
  const Uap& v18 = UapOf(Edition::kCat062v1_18);
  EXPECT_FALSE(ReadRecord(v18, B({0x81, 0x81}), &r, &e));  // FSPEC runs past the end
  EXPECT_EQ(e.reason, BadReason::kFspecOverrun);
  EXPECT_FALSE(ReadRecord(v18, B({0x08, 0x00}), &r, &e));  // I062/105 needs 8 octets
  EXPECT_EQ(e.reason, BadReason::kItemOverrun);
  EXPECT_STREQ(e.item, "I062/105");
  EXPECT_EQ(e.frn, 5);
  EXPECT_FALSE(ReadRecord(v18, B({0x40, 0x00, 0x00}), &r, &e));  // FRN 2 is spare in 1.18
  EXPECT_EQ(e.reason, BadReason::kUndefinedItem);
  EXPECT_FALSE(ReadRecord(UapOf(Edition::kCat062v0_17), B({0x01, 0x01, 0x04, 0x00}), &r, &e));  // FRN 20
  EXPECT_EQ(e.reason, BadReason::kUndefinedItem);
  EXPECT_STREQ(e.item, "I062/050");
  // A compound whose primary selects a subfield the edition does not define (I062/290 has 10).
  EXPECT_FALSE(ReadRecord(v18, B({0x01, 0x02, 0x01, 0x10}), &r, &e));
  EXPECT_EQ(e.reason, BadReason::kUndefinedItem);
  EXPECT_FALSE(ReadRecord(v18, B({0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x80}), &r, &e));
  EXPECT_EQ(e.reason, BadReason::kUndefinedItem);  // FSPEC longer than any table
  EXPECT_FALSE(ReadRecord(v18, B({0x00}), &r, &e));
  EXPECT_EQ(e.reason, BadReason::kMissingItem);
  EXPECT_FALSE(ReadRecord(v18, B({0x01, 0x01, 0x01, 0x01, 0x02, 0x00}), &r, &e));  // SP with LEN 0
  EXPECT_EQ(e.reason, BadReason::kItemOverrun);
}

TEST(AsterixRecord, SourceIsReadBeforeTheEditionIsChosen) {
  EXPECT_EQ(SourceOf(B({0x80, 25, 100})), (25 << 8) | 100);
  EXPECT_EQ(SourceOf(B({0x40, 25, 100})), -1);
  EXPECT_EQ(SourceOf(B({0x80, 25})), -1);
}

TEST(AsterixEncode, FspecAndItemsMatchTheLayoutOctetByOctet) {
  TrackReport t;
  t.sac = 25;
  t.sic = 100;
  t.address = 0x4CA7A8;
  t.track_number = 4713;
  t.tod_s = 45827.3984375;  // 0x5981B3 x 1/128 s
  t.lat_deg = 41.1671233;
  t.lon_deg = 15.7088667;
  t.has_velocity = t.has_vertical_rate = t.has_altitude = false;
  const std::vector<uint8_t> rec = EncodeCat062(t, Edition::kCat062v1_18);
  // FSPEC: FRN 1, 3, 4, 5 | 11, 12, 13 ; then 010, 015, 070, 105 ...
  ASSERT_GE(rec.size(), 2u + 2 + 1 + 3 + 8);
  EXPECT_EQ(rec[0], 0xB9);  // 1011 100 + FX
  EXPECT_EQ(rec[1], 0x1C);  // FRN 11, 12, 13, no FX
  EXPECT_EQ(rec[2], 25);
  EXPECT_EQ(rec[3], 100);
  EXPECT_EQ(ReadUnsigned(&rec[5], 3), 0x5981B3u);
  EXPECT_EQ(ReadSigned(&rec[8], 4), static_cast<int64_t>(std::llround(41.1671233 / (180.0 / (1 << 25)))));
  EXPECT_EQ(Mode3AOf(7700), 07700);
  EXPECT_EQ(Mode3AOf(1275), 01275);
  const std::vector<uint8_t> cs = Callsign6("RYR174C");
  EXPECT_EQ(ReadUnsigned(cs.data(), 6), (uint64_t{18} << 42) | (uint64_t{25} << 36) | (uint64_t{18} << 30) |
                                            (uint64_t{'1'} << 24) | (uint64_t{'7'} << 18) | (uint64_t{'4'} << 12) |
                                            (uint64_t{3} << 6) | 32);
}

TEST(AsterixEncode, BlocksHoldSeveralRecordsAndSayTheirLength) {
  BlockWriter w(21);
  TrackReport t;
  const auto rec = EncodeCat021(t, Edition::kCat021v2_6);
  ASSERT_TRUE(w.Add(rec));
  ASSERT_TRUE(w.Add(rec));
  const auto block = w.Finish();
  EXPECT_EQ(block.size(), 3 + 2 * rec.size());
  EXPECT_EQ(block[0], 21);
  EXPECT_EQ((block[1] << 8) | block[2], static_cast<int>(block.size()));
  Block b;
  BadReason why{};
  ASSERT_TRUE(ReadBlock(B(block), &b, &why));
  Record r;
  RecordError e;
  ASSERT_TRUE(ReadRecord(UapOf(Edition::kCat021v2_6), b.records, &r, &e)) << DescribeError(e);
  EXPECT_EQ(r.size, rec.size());
}

TEST(AsterixEditions, NamesParse) {
  EXPECT_EQ(EditionOf(21, "2.4"), Edition::kCat021v2_4);
  EXPECT_EQ(EditionOf(62, "0.17"), Edition::kCat062v0_17);
  EXPECT_EQ(EditionOf(62, "1.17"), Edition::kCat062v1_17);
  EXPECT_FALSE(EditionOf(62, "1.19").has_value());
  EXPECT_FALSE(EditionOf(48, "1.31").has_value());
}

}  // namespace
}  // namespace deconflict::asterix
