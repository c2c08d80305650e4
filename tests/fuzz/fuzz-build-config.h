/* What meson's build-config.h gives the parser, for the clang-only fuzz build. */
#define DAX_POLICY_VERSION "fuzz"
#define DAX_POLICY_CONFIG "/etc/dax-policy.conf"
