// Tests for smtp/options.h: defaults (SPEC section 1 limits), deviation names
// and the Deviations set.
#include "smtp/options.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::DeviationNames;
using testing_util::DeviationSet;

TEST(OptionsTest, DefaultsAreStrictAsciiAndTheSpecLimits) {
  const Options options;
  EXPECT_EQ(options.policy, Policy::kStrict);
  EXPECT_FALSE(options.lenient());
  EXPECT_FALSE(options.utf8);
  EXPECT_EQ(options.max_command_line, 512u);
  EXPECT_EQ(options.max_auth_line, 12288u);
  EXPECT_EQ(options.max_reply_line, 512u);
  EXPECT_EQ(options.max_data_line, 1000u);
  EXPECT_EQ(options.max_reply_lines, 1000u);
}

TEST(OptionsTest, LenientPolicyIsReported) {
  EXPECT_TRUE(testing_util::LenientOptions().lenient());
}

struct DeviationRow {
  Deviation deviation;
  unsigned bit;
  std::string_view name;
};

constexpr DeviationRow kDeviations[] = {
    {Deviation::kBareLf, 1u << 0, "bare_lf"},
    {Deviation::kBareCr, 1u << 1, "bare_cr"},
    {Deviation::kExtraSpace, 1u << 2, "extra_space"},
    {Deviation::kTrailingSpace, 1u << 3, "trailing_space"},
    {Deviation::kSpaceAfterColon, 1u << 4, "space_after_colon"},
    {Deviation::kHeloAddressLiteral, 1u << 5, "helo_address_literal"},
    {Deviation::kEmptyReplyText, 1u << 6, "empty_reply_text"},
    {Deviation::kOldAuthSyntax, 1u << 7, "old_auth_syntax"},
    // Appended by issue 10; the values above never change.
    {Deviation::kNumericDomain, 1u << 8, "numeric_domain"},
    {Deviation::kUnregisteredLiteralTag, 1u << 9, "unregistered_literal_tag"},
    {Deviation::kVrfyMailbox, 1u << 10, "vrfy_mailbox"},
    {Deviation::kRepeatedParam, 1u << 11, "repeated_param"},
};

TEST(DeviationNameTest, EveryDeviationHasItsDocumentedNameAndBit) {
  static_assert(kDeviationCount == 12);
  for (const DeviationRow& row : kDeviations) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(static_cast<unsigned>(row.deviation), row.bit);
    EXPECT_EQ(DeviationName(row.deviation), row.name);
  }
}

TEST(DeviationNameTest, OtherValuesAreUnknown) {
  EXPECT_EQ(DeviationName(static_cast<Deviation>(0)), "unknown");
  EXPECT_EQ(DeviationName(static_cast<Deviation>(1u << 12)), "unknown");
  EXPECT_EQ(DeviationName(static_cast<Deviation>(3)), "unknown");
}

TEST(DeviationsTest, StartsEmpty) {
  constexpr Deviations none;
  static_assert(none.empty());
  EXPECT_EQ(none.bits(), 0u);
  for (const DeviationRow& row : kDeviations)
    EXPECT_FALSE(none.Has(row.deviation));
}

TEST(DeviationsTest, AddIsIdempotentAndHasSeesOnlyWhatWasAdded) {
  Deviations set;
  set.Add(Deviation::kExtraSpace);
  set.Add(Deviation::kExtraSpace);
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.bits(), 1u << 2);
  EXPECT_TRUE(set.Has(Deviation::kExtraSpace));
  EXPECT_FALSE(set.Has(Deviation::kBareLf));
  EXPECT_FALSE(set.Has(Deviation::kTrailingSpace));
}

TEST(DeviationsTest, AddSetIsUnion) {
  Deviations a = DeviationSet({Deviation::kBareLf, Deviation::kOldAuthSyntax});
  const Deviations b = DeviationSet({Deviation::kOldAuthSyntax, Deviation::kExtraSpace});
  a.Add(b);
  EXPECT_EQ(a,
            DeviationSet({Deviation::kBareLf, Deviation::kExtraSpace, Deviation::kOldAuthSyntax}));
  EXPECT_NE(a, b);
}

TEST(DeviationsTest, ForEachVisitsInBitOrder) {
  const Deviations set =
      DeviationSet({Deviation::kOldAuthSyntax, Deviation::kBareLf, Deviation::kSpaceAfterColon});
  std::vector<Deviation> seen;
  set.ForEach([&](Deviation d) { seen.push_back(d); });
  EXPECT_EQ(seen, (std::vector<Deviation>{Deviation::kBareLf, Deviation::kSpaceAfterColon,
                                          Deviation::kOldAuthSyntax}));
  EXPECT_EQ(DeviationNames(set), "bare_lf,space_after_colon,old_auth_syntax");
}

TEST(DeviationsTest, AllTwelveFitAndAreVisited) {
  Deviations all;
  for (const DeviationRow& row : kDeviations)
    all.Add(row.deviation);
  EXPECT_EQ(all.bits(), 0xfffu);
  int count = 0;
  all.ForEach([&](Deviation) { ++count; });
  EXPECT_EQ(count, kDeviationCount);
}

}  // namespace
}  // namespace smtp
