#include <stdio.h>
#include "harness.h"
#include "test_engine.h"
TEST(engine_debug_dump)
{
    struct fake_faults f[5] = {{.mse_ignored = true}, {.high_dword_ignored = true}, {.drop_while_decoding = true}, {.stale_alias = true}, {.low_dword_ignored = true}};
    for (int i = 0; i < 5; i++) {
        engine_table_run("", &f[i]);
        fprintf(stderr, "=== fault %d\n%s\nFAILED: %s\n", i, engine_tap(), engine_failed_points());
    }
    EXPECT(1);
}
