package io.orderloop.channels.edi;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * EDI settings ({@code orderloop.edi.*}).
 *
 * @param isaQualifier our interchange id qualifier (ISA07 inbound, ISA05 outbound)
 * @param isaId our interchange id (ISA08 inbound, ISA06 outbound); an inbound interchange must be
 *     addressed to it, or to the partner's override, when {@code checkReceiver} is on
 * @param gsId our application code (GS03 inbound, GS02 outbound)
 * @param checkReceiver refuse an interchange whose ISA08 is not our id (on by default)
 * @param maxInterchangeSize the largest interchange (or folder file) taken; larger is refused (413)
 * @param inboundDir a folder watched for interchanges (files directly in it, or in a folder per
 *     partner), each moved to {@code done/} or {@code failed/} with a report; none when unset
 * @param outboundDir where documents for partners are written, in a folder per partner; none when
 *     unset (they are kept in the database and served by the API either way)
 * @param pollInterval how often the inbound folder and the outbound queue are looked at
 * @param inboundClaimTimeout how long a file may sit in {@code processing/} before another instance
 *     takes it back (its instance stopped while reading it)
 */
@ConfigurationProperties("orderloop.edi")
public record EdiProperties(
    @DefaultValue("ZZ") String isaQualifier,
    @DefaultValue("ORDERLOOP") String isaId,
    @DefaultValue("ORDERLOOP") String gsId,
    @DefaultValue("true") boolean checkReceiver,
    @DefaultValue("10MB") DataSize maxInterchangeSize,
    Path inboundDir,
    Path outboundDir,
    @DefaultValue("PT2S") Duration pollInterval,
    @DefaultValue("PT10M") Duration inboundClaimTimeout) {}
