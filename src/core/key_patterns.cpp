#include "core/key_patterns.hpp"

namespace edgestat {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
// UTF-8 bytes are letters without case: a non-ASCII name stays one word.
bool is_lower(char c) { return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80; }
bool is_separator(char c) { return !is_digit(c) && !is_upper(c) && !is_lower(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool KeyTokenizer::next(std::string_view* word) {
  while (pos_ < s_.size() && is_separator(s_[pos_])) ++pos_;
  if (pos_ >= s_.size()) return false;
  size_t b = pos_, i = pos_ + 1;
  for (; i < s_.size(); ++i) {
    char p = s_[i - 1], c = s_[i];
    if (is_separator(c)) break;
    if (is_digit(p) != is_digit(c)) break;            // address2, 2fa
    if (is_upper(c) && is_lower(p)) break;            // authToken
    if (is_upper(p) && is_upper(c) && i + 1 < s_.size() && is_lower(s_[i + 1])) break;  // APIKey
  }
  *word = s_.substr(b, i - b);
  pos_ = i;
  return true;
}

bool word_equals(std::string_view key_word, std::string_view lower_word) {
  if (key_word.size() != lower_word.size()) return false;
  for (size_t i = 0; i < key_word.size(); ++i)
    if (lower(key_word[i]) != lower_word[i]) return false;
  return true;
}

uint8_t KeyPatterns::bucket(char c) {
  c = lower(c);
  if (c >= 'a' && c <= 'z') return static_cast<uint8_t>(c - 'a');
  if (is_digit(c)) return static_cast<uint8_t>(26 + (c - '0'));
  return 36;
}

bool KeyPatterns::set(std::string_view list, const char** why, std::string_view* bad) {
  n_ = 0;
  text_len_ = 0;
  auto fail = [&](const char* w, std::string_view entry) {
    n_ = 0;
    text_len_ = 0;
    for (uint16_t& s : start_) s = 0;
    *why = w;
    *bad = entry;
    return false;
  };
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view raw = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (raw.empty()) continue;
    if (n_ == kMaxEntries) return fail("too many entries (at most 192)", raw);
    Entry& e = entries_[n_];
    e = Entry{};
    std::string_view words = raw;
    if (words.front() == '=') {
      e.whole = true;
      words.remove_prefix(1);
    }
    KeyTokenizer t(words);
    std::string_view w;
    while (t.next(&w)) {
      if (e.nwords == kMaxWords) return fail("an entry has more than 4 words", raw);
      if (w.size() > kMaxWordBytes) return fail("a word is longer than 32 bytes", raw);
      if (text_len_ + w.size() > kMaxTextBytes) return fail("the list is longer than 4096 bytes", raw);
      e.off[e.nwords] = static_cast<uint16_t>(text_len_);
      e.len[e.nwords] = static_cast<uint8_t>(w.size());
      for (char c : w) text_[text_len_++] = lower(c);
      ++e.nwords;
    }
    if (e.nwords == 0) return fail("an entry has no letters or digits", raw);
    ++n_;
  }
  // Insertion sort by bucket (a few hundred entries at most, once at start),
  // stable so the list's order is kept within a bucket.
  for (size_t i = 1; i < n_; ++i) {
    Entry e = entries_[i];
    uint8_t b = bucket(text_[e.off[0]]);
    size_t j = i;
    for (; j > 0 && bucket(text_[entries_[j - 1].off[0]]) > b; --j) entries_[j] = entries_[j - 1];
    entries_[j] = e;
  }
  size_t k = 0;
  for (size_t b = 0; b < kBuckets; ++b) {
    start_[b] = static_cast<uint16_t>(k);
    while (k < n_ && bucket(text_[entries_[k].off[0]]) == b) ++k;
  }
  start_[kBuckets] = static_cast<uint16_t>(n_);
  return true;
}

// cur stands just after the key word `first`.
bool KeyPatterns::match_at(const Entry& e, KeyTokenizer cur, std::string_view first, bool at_start) const {
  if (e.whole && !at_start) return false;
  if (!word_equals(first, word(e, 0))) return false;
  std::string_view w;
  for (size_t i = 1; i < e.nwords; ++i)
    if (!cur.next(&w) || !word_equals(w, word(e, i))) return false;
  return !e.whole || !cur.next(&w);
}

bool KeyPatterns::matches(std::string_view key) const {
  KeyTokenizer t(key);
  std::string_view w;
  bool at_start = true;
  while (t.next(&w)) {
    uint8_t b = bucket(w[0]);
    for (size_t i = start_[b]; i < start_[b + 1]; ++i)  // most entries differ in the first word's length
      if (entries_[i].len[0] == w.size() && match_at(entries_[i], t, w, at_start)) return true;
    at_start = false;
  }
  return false;
}

}  // namespace edgestat
