package io.orderloop.orders;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.Size;

/** A postal address as channels send it; common channel field names are accepted as aliases. */
public record Address(
    @Size(max = 200) String name,
    @Size(max = 200) String company,
    @Size(max = 300) @JsonAlias({"address1", "addressLine1", "street"}) String line1,
    @Size(max = 300) @JsonAlias({"address2", "addressLine2"}) String line2,
    @Size(max = 200) @JsonAlias({"locality"}) String city,
    @Size(max = 200)
        @JsonAlias({"province", "state", "provinceCode", "administrativeDistrictLevel1"})
        String region,
    @Size(max = 40) @JsonAlias({"zip", "postcode", "zipCode"}) String postalCode,
    @Size(max = 60) @JsonAlias({"countryCode"}) String country,
    @Size(max = 60) String phone) {}
