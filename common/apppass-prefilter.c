/* apppass — "could this line be a login failure?", fast
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A multi-keyword search in the style of Hyperscan's "Teddy": the first three
 * bytes of every keyword are a fingerprint, spread over 8 buckets by nibble
 * tables, so one 16-byte block is tested against all fingerprints with a few
 * byte shuffles. Only positions whose fingerprint matches are compared in
 * full. Case is folded by setting bit 0x20, which is exact for letters and
 * only adds harmless candidates for other bytes. */
#include "apppass-prefilter.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* Vector paths, chosen at run time: AVX2, then SSSE3, then plain C. */
#define HAVE_SSSE3_PATH 1
#include <immintrin.h>
#endif

#define N_BUCKETS 8
#define FP_LEN    4

/* Every phrase of apppass-diagnosis.c contains one of these (a test checks it). */
static const char *const keywords[] = {
    "passw", "auth", "credent", "login", "logon", "log in", "alert", "browser", "verify", "5.7.",
    "4.7.", "invalid", "enabl", "disabl", "unavail", "permission", "too many", "try again",
    "try later", "tempora", "inuse", "in-use", "sys/temp", "limit", "busy", "throttl",
    "unknown user", "no such user", "-err", "parol", "nevern", "number of",
    /* Chinese: authorization (code), password, log in, authentication, verification */
    "授权", "密码", "登录", "认证", "验证",
    /* The same "authorization" in GBK, as QQ Mail sends it */
    "\xca\xda\xc8\xa8",
    /* Russian: password, wrong, incorrect, authorization; three ways of capitalizing */
    "парол", "Парол", "ПАРОЛ", "неверн", "Неверн", "НЕВЕРН", "неправил", "Неправил", "НЕПРАВИЛ",
    "авториз", "Авториз", "АВТОРИЗ", NULL};

typedef struct {
  guint8 lo[FP_LEN][16] __attribute__ ((aligned (16)));
  guint8 hi[FP_LEN][16] __attribute__ ((aligned (16)));
  /* Keyword indexes per bucket, -1 terminated. */
  gint8 bucket[N_BUCKETS][G_N_ELEMENTS (keywords)];
  guint8 length[G_N_ELEMENTS (keywords)];
  /* The first FP_LEN bytes with bit 0x20 set, for a quick first comparison. */
  guint32 head[G_N_ELEMENTS (keywords)];
  gboolean use_ssse3;
  gboolean use_avx2;
} Tables;

static Tables tables;

const char *const *
apppass_prefilter_keywords (void)
{
  return keywords;
}

/* How many byte tuples bucket @b admits: the product, over the fingerprint
 * bytes, of its distinct low and high nibbles. Fewer means fewer strangers. */
static guint64
bucket_cost (const guint *bucket_of, guint n, guint b)
{
  guint64 cost = 1;

  for (guint j = 0; j < FP_LEN; j++) {
    guint lo = 0, hi = 0;

    for (guint k = 0; k < n; k++) {
      if (bucket_of[k] == b) {
        guint8 c = (guint8)keywords[k][j] | 0x20;

        lo |= 1u << (c & 0x0f);
        hi |= 1u << (c >> 4);
      }
    }
    cost *= (guint64)(__builtin_popcount (lo) * __builtin_popcount (hi));
  }
  return cost;
}

static guint64
total_cost (const guint *bucket_of, guint n)
{
  guint64 cost = 0;

  for (guint b = 0; b < N_BUCKETS; b++)
    cost += bucket_cost (bucket_of, n, b);
  return cost;
}

/* Spreads the keywords over the buckets so that each bucket's keywords look
 * alike, by a short local search from a fixed seed (the same tables on every
 * run; some hundred microseconds, once). */
static void
assign_buckets (guint *bucket_of, guint n)
{
  guint32 state = 2463534242u;
  guint64 cost;

  for (guint k = 0; k < n; k++)
    bucket_of[k] = k % N_BUCKETS;
  cost = total_cost (bucket_of, n);
  for (guint round = 0; round < 3000; round++) {
    guint k, old;
    guint64 new_cost;

    state ^= state << 13, state ^= state >> 17, state ^= state << 5;
    k = state % n;
    old = bucket_of[k];
    bucket_of[k] = (state >> 8) % N_BUCKETS;
    new_cost = total_cost (bucket_of, n);
    if (new_cost <= cost)
      cost = new_cost;
    else
      bucket_of[k] = old;
  }
}

static void
build_tables (void)
{
  guint fill[N_BUCKETS] = {0};
  guint bucket_of[G_N_ELEMENTS (keywords)];
  guint n = 0;

  while (keywords[n])
    n++;
  assign_buckets (bucket_of, n);
  memset (tables.bucket, -1, sizeof tables.bucket);
  for (guint k = 0; k < n; k++) {
    guint b = bucket_of[k];

    tables.length[k] = (guint8)strlen (keywords[k]);
    g_assert (tables.length[k] >= FP_LEN);
    memcpy (&tables.head[k], keywords[k], FP_LEN);
    tables.head[k] |= 0x20202020u;
    tables.bucket[b][fill[b]++] = (gint8)k;
    for (guint j = 0; j < FP_LEN; j++) {
      guint8 c = (guint8)keywords[k][j] | 0x20;

      tables.lo[j][c & 0x0f] |= (guint8)(1u << b);
      tables.hi[j][c >> 4] |= (guint8)(1u << b);
    }
  }
#ifdef HAVE_SSSE3_PATH
  __builtin_cpu_init ();
  tables.use_ssse3 = __builtin_cpu_supports ("ssse3");
  tables.use_avx2 = __builtin_cpu_supports ("avx2");
#endif
}

static void
ensure_tables (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    build_tables ();
    g_once_init_leave (&done, 1);
  }
}

static gboolean
equal_folded (const guint8 *text, const char *keyword, guint length)
{
  for (guint i = FP_LEN; i < length; i++) {
    guint8 c = text[i];

    if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != (guint8)keyword[i])
      return FALSE;
  }
  /* The head matched with bit 0x20 forced; check it exactly now. */
  for (guint i = 0; i < FP_LEN; i++) {
    guint8 c = text[i];

    if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != (guint8)keyword[i])
      return FALSE;
  }
  return TRUE;
}

/* Compares the keywords of @buckets in full at @pos. */
static gboolean
verify (const guint8 *text, gsize length, gsize pos, guint buckets)
{
  guint32 head;

  if (pos + FP_LEN > length)
    return FALSE;
  memcpy (&head, text + pos, FP_LEN);
  head |= 0x20202020u;
  for (; buckets; buckets &= buckets - 1) {
    const gint8 *list = tables.bucket[__builtin_ctz (buckets)];

    for (guint i = 0; list[i] >= 0; i++) {
      guint k = (guint)list[i];

      if (tables.head[k] == head && pos + tables.length[k] <= length &&
          equal_folded (text + pos, keywords[k], tables.length[k]))
        return TRUE;
    }
  }
  return FALSE;
}

static gboolean
is_blank (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

/* An SMTP failure code (4xx or 5xx) opens a line of @t, after blanks: the
 * lines as the diagnosis reads them (it reads a NUL as a space). */
static gboolean
starts_with_failure_code (const guint8 *t, gsize length)
{
  gsize pos = 0;

  while (pos < length) {
    const guint8 *nl;

    while (pos < length && is_blank (t[pos]))
      pos++;
    if (pos + 3 <= length && (t[pos] == '4' || t[pos] == '5') && g_ascii_isdigit (t[pos + 1]) &&
        g_ascii_isdigit (t[pos + 2]) &&
        (pos + 3 == length || t[pos + 3] == '-' || is_blank (t[pos + 3])))
      return TRUE;
    nl = memchr (t + pos, '\n', length - pos);
    if (nl == NULL)
      return FALSE;
    pos = (gsize)(nl - t) + 1;
  }
  return FALSE;
}

static guint
scalar_buckets (const guint8 *t, gsize length, gsize pos)
{
  guint mask = 0xff;

  for (guint j = 0; j < FP_LEN && mask; j++) {
    guint8 c = (pos + j < length ? t[pos + j] : 0) | 0x20;

    mask &= tables.lo[j][c & 0x0f] & tables.hi[j][c >> 4];
  }
  return mask;
}

static gboolean
scan_scalar (const guint8 *t, gsize length)
{
  for (gsize pos = 0; pos < length; pos++) {
    guint buckets = scalar_buckets (t, length, pos);

    if (buckets && verify (t, length, pos, buckets))
      return TRUE;
  }
  return FALSE;
}

#ifdef HAVE_SSSE3_PATH
/* Moves the last @left bytes of a 16-byte load to its front, zeroes the rest. */
static const guint8 shift_down[32] = {
    0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,   15,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};

/* The 16 bytes at @pos, zero beyond the end, without reading past it. */
__attribute__ ((target ("ssse3"), always_inline)) static inline __m128i
load_block (const guint8 *t, gsize length, gsize pos)
{
  gsize left = length - pos;
  guint8 padded[16] = {0};

  if (left >= 16)
    return _mm_loadu_si128 ((const __m128i *)(t + pos));
  if (length >= 16)
    return _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *)(t + length - 16)),
                             _mm_loadu_si128 ((const __m128i *)(shift_down + 16 - left)));
  memcpy (padded, t + pos, left);
  return _mm_loadu_si128 ((const __m128i *)padded);
}

__attribute__ ((target ("ssse3"))) static gboolean
check_candidates (const guint8 *t, gsize length, gsize pos, __m128i buckets, guint mask)
{
  guint8 bytes[16] __attribute__ ((aligned (16)));

  _mm_store_si128 ((__m128i *)bytes, buckets);
  for (; mask; mask &= mask - 1) {
    guint end = (guint)__builtin_ctz (mask);

    /* A match ends at pos + end and starts FP_LEN - 1 bytes before. */
    if (verify (t, length, pos + end - (FP_LEN - 1), bytes[end]))
      return TRUE;
  }
  return FALSE;
}

#define NIBBLES(j, v_lo, v_hi)                                                                     \
  _mm_and_si128 (_mm_shuffle_epi8 (_mm_load_si128 ((const __m128i *)tables.lo[j]), v_lo),          \
                 _mm_shuffle_epi8 (_mm_load_si128 ((const __m128i *)tables.hi[j]), v_hi))

/* Teddy proper: each block is loaded once; the bucket bits of fingerprint
 * byte j are shifted by FP_LEN - 1 - j places, borrowing from the previous
 * block, so that lane e holds the buckets of a match ending at e. Starts at
 * @pos with the previous block's bucket bits. */
__attribute__ ((target ("ssse3"), always_inline)) static inline gboolean
scan_ssse3_from (const guint8 *t, gsize length, gsize pos, __m128i prev0, __m128i prev1,
                 __m128i prev2)
{
  const __m128i fold = _mm_set1_epi8 (0x20), nibble = _mm_set1_epi8 (0x0f);

  G_STATIC_ASSERT (FP_LEN == 4);
  for (; pos < length; pos += 16) {
    __m128i v = _mm_or_si128 (load_block (t, length, pos), fold);
    __m128i v_lo = _mm_and_si128 (v, nibble);
    __m128i v_hi = _mm_and_si128 (_mm_srli_epi16 (v, 4), nibble);
    __m128i r0 = NIBBLES (0, v_lo, v_hi), r1 = NIBBLES (1, v_lo, v_hi);
    __m128i r2 = NIBBLES (2, v_lo, v_hi), r3 = NIBBLES (3, v_lo, v_hi);
    __m128i m = _mm_and_si128 (
        _mm_and_si128 (r3, _mm_alignr_epi8 (r2, prev2, 15)),
        _mm_and_si128 (_mm_alignr_epi8 (r1, prev1, 14), _mm_alignr_epi8 (r0, prev0, 13)));
    guint mask = ~(guint)_mm_movemask_epi8 (_mm_cmpeq_epi8 (m, _mm_setzero_si128 ())) & 0xffffu;

    if (length - pos < 16)
      mask &= (1u << (length - pos)) - 1;
    if (mask && check_candidates (t, length, pos, m, mask))
      return TRUE;
    prev0 = r0;
    prev1 = r1;
    prev2 = r2;
  }
  return FALSE;
}

__attribute__ ((target ("ssse3"))) static gboolean
scan_ssse3 (const guint8 *t, gsize length)
{
  return scan_ssse3_from (t, length, 0, _mm_setzero_si128 (), _mm_setzero_si128 (),
                          _mm_setzero_si128 ());
}

#define NIBBLES_256(j, v_lo, v_hi)                                                                 \
  _mm256_and_si256 (                                                                               \
      _mm256_shuffle_epi8 (                                                                        \
          _mm256_broadcastsi128_si256 (_mm_load_si128 ((const __m128i *)tables.lo[j])), v_lo),     \
      _mm256_shuffle_epi8 (                                                                        \
          _mm256_broadcastsi128_si256 (_mm_load_si128 ((const __m128i *)tables.hi[j])), v_hi))

/* @r shifted up by @k bytes across its two lanes, @prev's last bytes shifted in. */
#define CARRY_256(r, prev, k)                                                                      \
  _mm256_alignr_epi8 (r, _mm256_permute2x128_si256 (r, prev, 0x03), 16 - (k))

/* The buckets of the 32 positions ending in the block at @p, carrying in the
 * previous block's bits; the block's own bits are left in @r0..@r2 for the next. */
__attribute__ ((target ("avx2"), always_inline)) static inline __m256i
block_avx2 (const guint8 *p, __m256i *r0, __m256i *r1, __m256i *r2)
{
  const __m256i fold = _mm256_set1_epi8 (0x20), nibble = _mm256_set1_epi8 (0x0f);
  __m256i v = _mm256_or_si256 (_mm256_loadu_si256 ((const __m256i *)p), fold);
  __m256i v_lo = _mm256_and_si256 (v, nibble);
  __m256i v_hi = _mm256_and_si256 (_mm256_srli_epi16 (v, 4), nibble);
  __m256i b0 = NIBBLES_256 (0, v_lo, v_hi), b1 = NIBBLES_256 (1, v_lo, v_hi);
  __m256i b2 = NIBBLES_256 (2, v_lo, v_hi), b3 = NIBBLES_256 (3, v_lo, v_hi);
  __m256i m = _mm256_and_si256 (_mm256_and_si256 (b3, CARRY_256 (b2, *r2, 1)),
                                _mm256_and_si256 (CARRY_256 (b1, *r1, 2), CARRY_256 (b0, *r0, 3)));

  *r0 = b0;
  *r1 = b1;
  *r2 = b2;
  return m;
}

__attribute__ ((target ("avx2"), always_inline)) static inline gboolean
check_avx2 (const guint8 *t, gsize length, gsize pos, __m256i m, guint32 keep)
{
  guint32 mask = ~(guint32)_mm256_movemask_epi8 (_mm256_cmpeq_epi8 (m, _mm256_setzero_si256 ()));

  mask &= keep;
  return mask &&
         (check_candidates (t, length, pos, _mm256_castsi256_si128 (m), mask & 0xffffu) ||
          check_candidates (t, length, pos + 16, _mm256_extracti128_si256 (m, 1), mask >> 16));
}

/* The same with 32 positions a block. The tail is one more block laid to end
 * exactly at the text's end, with nothing carried in: its first lanes were
 * checked already. Where that does not cover every remaining position, or
 * the text is shorter than a block, the 16-byte loop takes over. */
__attribute__ ((target ("avx2"))) static gboolean
scan_avx2 (const guint8 *t, gsize length)
{
  __m256i r0 = _mm256_setzero_si256 (), r1 = r0, r2 = r0;
  gsize pos = 0, left;

  for (; pos + 32 <= length; pos += 32) {
    if (check_avx2 (t, length, pos, block_avx2 (t + pos, &r0, &r1, &r2), 0xffffffffu))
      return TRUE;
  }
  left = length - pos;
  if (left == 0)
    return FALSE;
  if (pos > 0 && left <= 32 - FP_LEN + 1) {
    __m256i z0 = _mm256_setzero_si256 (), z1 = z0, z2 = z0;

    return check_avx2 (t, length, length - 32, block_avx2 (t + length - 32, &z0, &z1, &z2),
                       ~((1u << (32 - left)) - 1));
  }
  return scan_ssse3_from (t, length, pos, _mm256_extracti128_si256 (r0, 1),
                          _mm256_extracti128_si256 (r1, 1), _mm256_extracti128_si256 (r2, 1));
}
#endif

/* Outside ASCII the keywords cannot cover every way of capitalizing a word
 * ("парОль"), so any such line is let through: the diagnosis casefolds. */
static gboolean
has_high_byte (const guint8 *t, gsize length)
{
  gsize i = 0;

  for (; i + 8 <= length; i += 8) {
    guint64 word;

    memcpy (&word, t + i, 8);
    if (word & G_GUINT64_CONSTANT (0x8080808080808080))
      return TRUE;
  }
  for (; i < length; i++)
    if (t[i] & 0x80)
      return TRUE;
  return FALSE;
}

gboolean
apppass_prefilter_line_scalar (const char *text, gsize length)
{
  const guint8 *t = (const guint8 *)text;

  ensure_tables ();
  return starts_with_failure_code (t, length) || scan_scalar (t, length) ||
         has_high_byte (t, length);
}

gboolean
apppass_prefilter_line (const char *text, gsize length)
{
  const guint8 *t = (const guint8 *)text;

  ensure_tables ();
  if (starts_with_failure_code (t, length))
    return TRUE;
#ifdef HAVE_SSSE3_PATH
  if (tables.use_avx2)
    return scan_avx2 (t, length) || has_high_byte (t, length);
  if (tables.use_ssse3)
    return scan_ssse3 (t, length) || has_high_byte (t, length);
#endif
  return scan_scalar (t, length) || has_high_byte (t, length);
}

gboolean
apppass_prefilter_line_ssse3 (const char *text, gsize length)
{
  const guint8 *t = (const guint8 *)text;

  ensure_tables ();
  if (starts_with_failure_code (t, length))
    return TRUE;
#ifdef HAVE_SSSE3_PATH
  if (tables.use_ssse3)
    return scan_ssse3 (t, length) || has_high_byte (t, length);
#endif
  return scan_scalar (t, length) || has_high_byte (t, length);
}
