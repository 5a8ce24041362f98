// Walks one simdjson on-demand document of the JSON-lines wire form into a model::record:
// the field-by-field half of record_json_parser (see record_parser.hpp for the contract).
// Lives for one parse; every failure fills the parse_status and returns false.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/jsonl/json_value_reader.hpp"
#include "decode/jsonl/record_parser.hpp"
#include "decode/record_builder.hpp"
#include "model/numbering_plan.hpp"
#include "model/record.hpp"

namespace ringfence::decode {

class record_reader {
  public:
    // line is the padded copy simdjson iterates (offsets in messages are into it).
    record_reader(const model::numbering_plan& plan, simdjson::ondemand::document& doc,
                  std::string_view line, model::record& rec, parse_status& status,
                  std::string& name_scratch, unparsed_numbers numbers = unparsed_numbers::refuse) noexcept
        : doc_(doc), rec_(rec), values_(doc, line, status, name_scratch), build_(plan, rec, status, numbers) {}

    // Reads the whole document, then checks required fields and fills defaults.
    bool read_document(std::int64_t received_at_ms);
    bool id_was_read() const noexcept { return build_.id_was_set(); }

  private:
    using value = simdjson::ondemand::value;
    using got = json_value_reader::got;

    bool read_top_level_field(std::string_view key, value& v, std::uint32_t& seen);
    bool read_id(value& v);
    bool read_kind(value& v);
    bool read_time(value& v);
    bool read_number(value& v, std::string_view field, model::number_info& out);
    bool read_string_into(value& v, std::string_view field, std::string& out);
    bool read_origin(value& v);
    bool read_call(value& v);
    bool read_sms(value& v);
    // Marks field bit as seen; false (with the error set) when it was seen before.
    bool first_time(std::uint32_t& seen, int bit, std::string_view name);

    simdjson::ondemand::document& doc_;
    model::record& rec_;
    json_value_reader values_;
    record_builder build_;  // the checks every source shares
};

}  // namespace ringfence::decode
