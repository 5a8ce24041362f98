#include "model/country_codes.hpp"

#include <array>

namespace ringfence::model {

namespace {

constexpr bool shared = false;  // marks a country that shares a code and is not its default

// Spare, reserved and withdrawn codes (e.g. 28x, 42x but 420/421/423, 671 and 684 which
// moved into +1, 969, 991 trials, 999) are deliberately absent.
constexpr std::array table{
    // Zone 1: the North American Numbering Plan. International.yaml refines by area code.
    country_code_entry{"1", "US"},
    country_code_entry{"1", "AG", shared}, country_code_entry{"1", "AI", shared},
    country_code_entry{"1", "AS", shared}, country_code_entry{"1", "BB", shared},
    country_code_entry{"1", "BM", shared}, country_code_entry{"1", "BS", shared},
    country_code_entry{"1", "CA", shared}, country_code_entry{"1", "DM", shared},
    country_code_entry{"1", "DO", shared}, country_code_entry{"1", "GD", shared},
    country_code_entry{"1", "GU", shared}, country_code_entry{"1", "JM", shared},
    country_code_entry{"1", "KN", shared}, country_code_entry{"1", "KY", shared},
    country_code_entry{"1", "LC", shared}, country_code_entry{"1", "MP", shared},
    country_code_entry{"1", "MS", shared}, country_code_entry{"1", "PR", shared},
    country_code_entry{"1", "SX", shared}, country_code_entry{"1", "TC", shared},
    country_code_entry{"1", "TT", shared}, country_code_entry{"1", "VC", shared},
    country_code_entry{"1", "VG", shared}, country_code_entry{"1", "VI", shared},
    // Zone 2: Africa and a few islands.
    country_code_entry{"20", "EG"}, country_code_entry{"211", "SS"},
    country_code_entry{"212", "MA"}, country_code_entry{"212", "EH", shared},
    country_code_entry{"213", "DZ"}, country_code_entry{"216", "TN"},
    country_code_entry{"218", "LY"}, country_code_entry{"220", "GM"},
    country_code_entry{"221", "SN"}, country_code_entry{"222", "MR"},
    country_code_entry{"223", "ML"}, country_code_entry{"224", "GN"},
    country_code_entry{"225", "CI"}, country_code_entry{"226", "BF"},
    country_code_entry{"227", "NE"}, country_code_entry{"228", "TG"},
    country_code_entry{"229", "BJ"}, country_code_entry{"230", "MU"},
    country_code_entry{"231", "LR"}, country_code_entry{"232", "SL"},
    country_code_entry{"233", "GH"}, country_code_entry{"234", "NG"},
    country_code_entry{"235", "TD"}, country_code_entry{"236", "CF"},
    country_code_entry{"237", "CM"}, country_code_entry{"238", "CV"},
    country_code_entry{"239", "ST"}, country_code_entry{"240", "GQ"},
    country_code_entry{"241", "GA"}, country_code_entry{"242", "CG"},
    country_code_entry{"243", "CD"}, country_code_entry{"244", "AO"},
    country_code_entry{"245", "GW"}, country_code_entry{"246", "IO"},
    country_code_entry{"247", "AC"}, country_code_entry{"248", "SC"},
    country_code_entry{"249", "SD"}, country_code_entry{"250", "RW"},
    country_code_entry{"251", "ET"}, country_code_entry{"252", "SO"},
    country_code_entry{"253", "DJ"}, country_code_entry{"254", "KE"},
    country_code_entry{"255", "TZ"}, country_code_entry{"256", "UG"},
    country_code_entry{"257", "BI"}, country_code_entry{"258", "MZ"},
    country_code_entry{"260", "ZM"}, country_code_entry{"261", "MG"},
    country_code_entry{"262", "RE"}, country_code_entry{"262", "YT", shared},
    country_code_entry{"263", "ZW"}, country_code_entry{"264", "NA"},
    country_code_entry{"265", "MW"}, country_code_entry{"266", "LS"},
    country_code_entry{"267", "BW"}, country_code_entry{"268", "SZ"},
    country_code_entry{"269", "KM"}, country_code_entry{"27", "ZA"},
    country_code_entry{"290", "SH"}, country_code_entry{"291", "ER"},
    country_code_entry{"297", "AW"}, country_code_entry{"298", "FO"},
    country_code_entry{"299", "GL"},
    // Zones 3 and 4: Europe.
    country_code_entry{"30", "GR"}, country_code_entry{"31", "NL"},
    country_code_entry{"32", "BE"}, country_code_entry{"33", "FR"},
    country_code_entry{"34", "ES"}, country_code_entry{"350", "GI"},
    country_code_entry{"351", "PT"}, country_code_entry{"352", "LU"},
    country_code_entry{"353", "IE"}, country_code_entry{"354", "IS"},
    country_code_entry{"355", "AL"}, country_code_entry{"356", "MT"},
    country_code_entry{"357", "CY"}, country_code_entry{"358", "FI"},
    country_code_entry{"358", "AX", shared}, country_code_entry{"359", "BG"},
    country_code_entry{"36", "HU"}, country_code_entry{"370", "LT"},
    country_code_entry{"371", "LV"}, country_code_entry{"372", "EE"},
    country_code_entry{"373", "MD"}, country_code_entry{"374", "AM"},
    country_code_entry{"375", "BY"}, country_code_entry{"376", "AD"},
    country_code_entry{"377", "MC"}, country_code_entry{"378", "SM"},
    country_code_entry{"379", "VA"}, country_code_entry{"380", "UA"},
    country_code_entry{"381", "RS"}, country_code_entry{"382", "ME"},
    country_code_entry{"383", "XK"}, country_code_entry{"385", "HR"},
    country_code_entry{"386", "SI"}, country_code_entry{"387", "BA"},
    country_code_entry{"389", "MK"}, country_code_entry{"39", "IT"},
    country_code_entry{"39", "VA", shared}, country_code_entry{"40", "RO"},
    country_code_entry{"41", "CH"}, country_code_entry{"420", "CZ"},
    country_code_entry{"421", "SK"}, country_code_entry{"423", "LI"},
    country_code_entry{"43", "AT"}, country_code_entry{"44", "GB"},
    country_code_entry{"44", "GG", shared}, country_code_entry{"44", "IM", shared},
    country_code_entry{"44", "JE", shared}, country_code_entry{"45", "DK"},
    country_code_entry{"46", "SE"}, country_code_entry{"47", "NO"},
    country_code_entry{"47", "SJ", shared}, country_code_entry{"48", "PL"},
    country_code_entry{"49", "DE"},
    // Zone 5: South and Central America.
    country_code_entry{"500", "FK"}, country_code_entry{"500", "GS", shared},
    country_code_entry{"501", "BZ"}, country_code_entry{"502", "GT"},
    country_code_entry{"503", "SV"}, country_code_entry{"504", "HN"},
    country_code_entry{"505", "NI"}, country_code_entry{"506", "CR"},
    country_code_entry{"507", "PA"}, country_code_entry{"508", "PM"},
    country_code_entry{"509", "HT"}, country_code_entry{"51", "PE"},
    country_code_entry{"52", "MX"}, country_code_entry{"53", "CU"},
    country_code_entry{"54", "AR"}, country_code_entry{"55", "BR"},
    country_code_entry{"56", "CL"}, country_code_entry{"57", "CO"},
    country_code_entry{"58", "VE"}, country_code_entry{"590", "GP"},
    country_code_entry{"590", "BL", shared}, country_code_entry{"590", "MF", shared},
    country_code_entry{"591", "BO"}, country_code_entry{"592", "GY"},
    country_code_entry{"593", "EC"}, country_code_entry{"594", "GF"},
    country_code_entry{"595", "PY"}, country_code_entry{"596", "MQ"},
    country_code_entry{"597", "SR"}, country_code_entry{"598", "UY"},
    country_code_entry{"599", "CW"}, country_code_entry{"599", "BQ", shared},
    // Zone 6: South-east Asia and Oceania.
    country_code_entry{"60", "MY"}, country_code_entry{"61", "AU"},
    country_code_entry{"61", "CC", shared}, country_code_entry{"61", "CX", shared},
    country_code_entry{"62", "ID"}, country_code_entry{"63", "PH"},
    country_code_entry{"64", "NZ"}, country_code_entry{"64", "PN", shared},
    country_code_entry{"65", "SG"}, country_code_entry{"66", "TH"},
    country_code_entry{"670", "TL"}, country_code_entry{"672", "NF"},
    country_code_entry{"672", "AQ", shared}, country_code_entry{"673", "BN"},
    country_code_entry{"674", "NR"}, country_code_entry{"675", "PG"},
    country_code_entry{"676", "TO"}, country_code_entry{"677", "SB"},
    country_code_entry{"678", "VU"}, country_code_entry{"679", "FJ"},
    country_code_entry{"680", "PW"}, country_code_entry{"681", "WF"},
    country_code_entry{"682", "CK"}, country_code_entry{"683", "NU"},
    country_code_entry{"685", "WS"}, country_code_entry{"686", "KI"},
    country_code_entry{"687", "NC"}, country_code_entry{"688", "TV"},
    country_code_entry{"689", "PF"}, country_code_entry{"690", "TK"},
    country_code_entry{"691", "FM"}, country_code_entry{"692", "MH"},
    // Zone 7: Russia and Kazakhstan (+7 6 and +7 7 are KZ, refined in international.yaml).
    country_code_entry{"7", "RU"}, country_code_entry{"7", "KZ", shared},
    // Zone 8: East Asia and global services.
    country_code_entry{"800", ""},  // International Freephone Service (UIFN)
    country_code_entry{"808", ""},  // International Shared Cost Service (ISCS)
    country_code_entry{"81", "JP"}, country_code_entry{"82", "KR"},
    country_code_entry{"84", "VN"}, country_code_entry{"850", "KP"},
    country_code_entry{"852", "HK"}, country_code_entry{"853", "MO"},
    country_code_entry{"855", "KH"}, country_code_entry{"856", "LA"},
    country_code_entry{"86", "CN"},
    country_code_entry{"870", ""},  // Inmarsat single network access code
    country_code_entry{"878", ""},  // Universal Personal Telecommunication services
    country_code_entry{"880", "BD"},
    country_code_entry{"881", ""},  // Global Mobile Satellite System
    country_code_entry{"882", ""},  // International networks
    country_code_entry{"883", ""},  // International networks
    country_code_entry{"886", "TW"},
    country_code_entry{"888", ""},  // OCHA, telecommunications for disaster relief
    // Zone 9: West, Central and South Asia and the Middle East.
    country_code_entry{"90", "TR"}, country_code_entry{"91", "IN"},
    country_code_entry{"92", "PK"}, country_code_entry{"93", "AF"},
    country_code_entry{"94", "LK"}, country_code_entry{"95", "MM"},
    country_code_entry{"960", "MV"}, country_code_entry{"961", "LB"},
    country_code_entry{"962", "JO"}, country_code_entry{"963", "SY"},
    country_code_entry{"964", "IQ"}, country_code_entry{"965", "KW"},
    country_code_entry{"966", "SA"}, country_code_entry{"967", "YE"},
    country_code_entry{"968", "OM"}, country_code_entry{"970", "PS"},
    country_code_entry{"971", "AE"}, country_code_entry{"972", "IL"},
    country_code_entry{"973", "BH"}, country_code_entry{"974", "QA"},
    country_code_entry{"975", "BT"}, country_code_entry{"976", "MN"},
    country_code_entry{"977", "NP"},
    country_code_entry{"979", ""},  // International Premium Rate Service (IPRS)
    country_code_entry{"98", "IR"}, country_code_entry{"992", "TJ"},
    country_code_entry{"993", "TM"}, country_code_entry{"994", "AZ"},
    country_code_entry{"995", "GE"}, country_code_entry{"996", "KG"},
    country_code_entry{"998", "UZ"},
};

constexpr bool sorted_with_default_first() {
    for (std::size_t i = 1; i < table.size(); ++i) {
        if (table[i].code < table[i - 1].code) return false;
        if (table[i].code == table[i - 1].code && table[i].is_default) return false;
        if (table[i].code != table[i - 1].code && !table[i].is_default) return false;
    }
    return table[0].is_default;
}
static_assert(sorted_with_default_first(), "keep the table sorted by code, default first");

}  // namespace

std::span<const country_code_entry> country_code_table() noexcept { return table; }

const country_code_entry* find_country_code(std::string_view code) noexcept {
    for (const auto& e : table)
        if (e.is_default && e.code == code) return &e;
    return nullptr;
}

std::string_view country_code_of(std::string_view country) noexcept {
    if (country.empty()) return {};
    const country_code_entry* shared_match = nullptr;
    for (const auto& e : table) {
        if (e.country != country) continue;
        if (e.is_default) return e.code;
        if (shared_match == nullptr) shared_match = &e;
    }
    return shared_match != nullptr ? shared_match->code : std::string_view{};
}

bool code_serves_country(std::string_view code, std::string_view country) noexcept {
    for (const auto& e : table)
        if (e.code == code && e.country == country) return true;
    return false;
}

}  // namespace ringfence::model
