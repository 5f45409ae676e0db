/* kernel/glob.c: the wildcard matcher behind only=/skip=. */
#include "../../kernel/glob.h"
#include "harness.h"

TEST(glob_literal_matches_whole_text_only)
{
    EXPECT(glob_match("decode-toggle", "decode-toggle"));
    EXPECT(!glob_match("decode", "decode-toggle"));
    EXPECT(!glob_match("decode-toggle", "decode"));
    EXPECT(!glob_match("Decode-toggle", "decode-toggle"));
    EXPECT(glob_match("", ""));
    EXPECT(!glob_match("", "x"));
}

TEST(glob_star_matches_any_run_including_empty)
{
    EXPECT(glob_match("*", ""));
    EXPECT(glob_match("*", "anything at all"));
    EXPECT(glob_match("move-*", "move-off-lo-hi"));
    EXPECT(glob_match("move-*", "move-"));
    EXPECT(glob_match("*-toggle", "decode-toggle"));
    EXPECT(glob_match("*BAR2*", "00:04.0 BAR2 decode-toggle"));
    EXPECT(glob_match("00:04.0 *", "00:04.0 BAR2 decode-toggle"));
    EXPECT(!glob_match("00:05.0 *", "00:04.0 BAR2 decode-toggle"));
    EXPECT(glob_match("**a**", "a"));
    EXPECT(!glob_match("*x", "abc"));
}

TEST(glob_question_mark_matches_exactly_one)
{
    EXPECT(glob_match("BAR?", "BAR2"));
    EXPECT(!glob_match("BAR?", "BAR"));
    EXPECT(!glob_match("BAR?", "BAR23"));
    EXPECT(glob_match("00:0?.0*", "00:04.0 BAR2 decode-toggle"));
    EXPECT(glob_match("?*", "x"));
    EXPECT(!glob_match("?*", ""));
}

TEST(glob_star_backtracks)
{
    /* the first 'a' after '*' is the wrong one: the matcher must retry */
    EXPECT(glob_match("*ab", "aab"));
    EXPECT(glob_match("*a*b*c", "xaxbxaybzc"));
    EXPECT(glob_match("a*b*a", "abba"));
    EXPECT(!glob_match("a*b*a", "abbb"));
    EXPECT(glob_match("*move*hi", "move-off-lo-hi"));
}

TEST(glob_hostile_pattern_finishes)
{
    char text[4001];
    memset(text, 'a', 4000);
    text[4000] = '\0';
    EXPECT(!glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
    EXPECT(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a", text));
}
