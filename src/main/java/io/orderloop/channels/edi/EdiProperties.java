package io.orderloop.channels.edi;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * EDI settings ({@code orderloop.edi.*}): our own identity in X12 envelopes, which a partner may
 * override.
 *
 * @param isaQualifier our interchange id qualifier (ISA07 inbound, ISA05 outbound)
 * @param isaId our interchange id (ISA08 inbound, ISA06 outbound); an inbound interchange must be
 *     addressed to it, or to the partner's override
 * @param gsId our application code (GS03 inbound, GS02 outbound)
 */
@ConfigurationProperties("orderloop.edi")
public record EdiProperties(
    @DefaultValue("ZZ") String isaQualifier,
    @DefaultValue("ORDERLOOP") String isaId,
    @DefaultValue("ORDERLOOP") String gsId) {}
