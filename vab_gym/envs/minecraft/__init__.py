"""VAB-Minecraft: obtain an item in an embedded voxel world with Minecraft 1.16 rules."""
