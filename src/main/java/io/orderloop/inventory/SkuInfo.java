package io.orderloop.inventory;

/**
 * A SKU as other modules see it.
 *
 * @param casePack units per case (1 when the SKU is sold by the unit)
 * @param palletQuantity units per pallet, if known
 * @param lotControlled stock is kept per lot, allocated earliest expiry first
 * @param requiresPinnedLot every order line is pinned to one lot at allocation
 * @param allowsLooseUnits B2B lines may order quantities that are not whole cases
 */
public record SkuInfo(
    String code,
    String name,
    int casePack,
    Integer palletQuantity,
    boolean lotControlled,
    boolean requiresPinnedLot,
    boolean allowsLooseUnits) {}
