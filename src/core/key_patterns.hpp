#pragma once
// Key patterns: a list of word sequences matched against the words of an
// identifier, whatever its spelling. `credit card` matches `credit_card`,
// `creditCard`, `CREDIT-CARD`, `billing.creditCardNumber`; it does not
// match `creditcard` (one word: list it too) nor `card_credit`.
//
// Words (KeyTokenizer): an identifier is split at every byte that is not an
// ASCII letter or digit (`_`, `-`, `.`, space, ...), where a lower-case
// letter or digit is followed by a capital (camelCase: `authToken` ->
// auth, token), before the last capital of a run followed by a lower-case
// letter (`APIKey` -> api, key), and between letters and digits
// (`address2` -> address, 2). Bytes >= 0x80 (UTF-8) count as lower-case
// letters. Words are compared ASCII case-insensitively and whole: `pass`
// does not match `passenger`, `token` does not match `tokens`.
//
// A list is comma-separated entries; an entry is its words, tokenized the
// same way (`credit card`, `credit_card` and `creditCard` are one entry).
// An entry matches when its words appear consecutively among the key's. An
// entry starting with `=` matches only the whole key (`=name` refuses the
// key `name` but not `host_name`).
//
// Matching allocates nothing and keeps no per-key state: it walks the key
// once per word with a fixed-size cursor. Entries are bucketed by the first
// letter of their first word, so a key word is compared with only the few
// entries that can start there.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

class KeyTokenizer {
 public:
  explicit KeyTokenizer(std::string_view key) : s_(key) {}
  // The next word as it appears in the key (original case); false at the end.
  bool next(std::string_view* word);

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// ASCII case-insensitive equality of a key word and a lower-case list word.
bool word_equals(std::string_view key_word, std::string_view lower_word);

class KeyPatterns {
 public:
  // Entries in one list: the default list has ~80, with room to add.
  static constexpr size_t kMaxEntries = 192;
  // Words in one entry (`date of birth` has 3).
  static constexpr size_t kMaxWords = 4;
  // Longest word in an entry; a longer one is refused (no key word that
  // long is a personal-data name, and the bound keeps entries small).
  static constexpr size_t kMaxWordBytes = 32;
  // All entries' words, lower-cased, back to back.
  static constexpr size_t kMaxTextBytes = 4096;

  // Replaces the list. On an error returns false, leaves the list empty,
  // and sets *why and *bad (the offending entry, a view into list).
  bool set(std::string_view list, const char** why, std::string_view* bad);
  size_t size() const { return n_; }

  // Whether some entry's words appear consecutively among key's words.
  bool matches(std::string_view key) const;

 private:
  struct Entry {
    uint16_t off[kMaxWords];
    uint8_t len[kMaxWords];
    uint8_t nwords = 0;
    bool whole = false;
  };
  std::string_view word(const Entry& e, size_t i) const { return {text_ + e.off[i], e.len[i]}; }
  bool match_at(const Entry& e, KeyTokenizer cur, std::string_view first, bool at_start) const;
  static uint8_t bucket(char c);

  Entry entries_[kMaxEntries];
  size_t n_ = 0;
  char text_[kMaxTextBytes];
  size_t text_len_ = 0;
  // Entries sorted by bucket; bucket b is [start_[b], start_[b + 1]).
  static constexpr size_t kBuckets = 37;  // a-z, 0-9, other
  uint16_t start_[kBuckets + 1] = {};
};

}  // namespace edgestat
